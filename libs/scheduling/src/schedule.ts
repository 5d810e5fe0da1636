import type { Service, SwarmNode, Task } from '@flotilla/contracts';
import { compilePlacement, nodeAttribute } from './constraint';
import type { FilterJob } from './filters';
import { hostPortsOf, NodeLoad, type NodeInfo } from './node-load';
import { noSuitableNode, Pipeline } from './pipeline';
import { buildSpreadTree, takeNode } from './spread';
import { ITEMS_PER_STEP, runSteps, type Steps } from './steps';

export interface ScheduleInput {
  nodes: ReadonlyMap<string, SwarmNode>;
  services: ReadonlyMap<string, Service>;
  /** All tasks, to count what already runs where. */
  tasks: Iterable<Task>;
  /** Tasks to place: state new/pending, desired running. A task with NodeID set (global) is only checked against that node. */
  pending: Task[];
  /** ms since epoch; when given, nodes where a service failed 5 times in the last 5 minutes go last for it. */
  now?: number;
}

export interface SchedulePlan {
  assign: { task: Task; nodeId: string }[];
  /** `reason` as swarmkit words it: "no suitable node (insufficient resources on 2 nodes; ...)". */
  unschedulable: { task: Task; reason: string }[];
}

/**
 * Places pending tasks (swarmkit's scheduler as a pure function). Per service
 * and spec version: every node through the filter pipeline once, the nodes
 * that pass into a spread tree (one leaf unless the service has placement
 * preferences), then each task takes the best node, re-checking only the
 * filters that placing tasks can change. Nodes are ordered: not repeatedly
 * failing this service first, then fewest tasks of the service, fewest tasks,
 * node id. O(tasks + groups x nodes + pending x log nodes).
 */
export function schedule(input: ScheduleInput): SchedulePlan {
  return runSteps(scheduleSteps(input));
}

/** `schedule` in steps (see Steps): the same plan, with pause points while it counts the tasks and places them. */
export function* scheduleSteps(input: ScheduleInput): Steps<SchedulePlan> {
  const pendingIds = new Set<string>();
  for (let i = 0; i < input.pending.length; i++) {
    if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
    pendingIds.add(input.pending[i].ID);
  }
  const load = new NodeLoad(input.nodes.values(), input.now);
  let n = 0;
  for (const t of input.tasks) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    if (!pendingIds.has(t.ID)) load.addExisting(t, input.services.get(t.ServiceID));
  }

  // Tasks of one service and one spec version are placed together (swarmkit's
  // task groups): during a start-first update old and new specs may differ in
  // reservations or placement, and each task is checked against its own spec.
  const groups = new Map<string, Task[]>();
  for (let i = 0; i < input.pending.length; i++) {
    if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
    const t = input.pending[i];
    const key = `${t.ServiceID}\u0000${t.SpecVersion?.Index ?? ''}`;
    const list = groups.get(key);
    if (list) list.push(t);
    else groups.set(key, [t]);
  }
  const nodes = load.all();
  const plan: SchedulePlan = { assign: [], unschedulable: [] };
  for (const tasks of groups.values()) {
    const svc = input.services.get(tasks[0].ServiceID);
    // A task whose service is gone is the orchestrator's to delete, not ours to place.
    if (!svc) continue;
    const free: Task[] = [];
    const preassigned: Task[] = [];
    for (const t of tasks) (t.NodeID ? preassigned : free).push(t);
    const job = jobFor(svc, tasks[0]);
    if (preassigned.length > 0) placePreassigned(job, preassigned, load, plan);
    if (free.length > 0) yield* placeService(job, free, nodes, load, plan);
    yield;
  }
  return plan;
}

/** What the filters check: the task's own spec, the service's published ports. */
function jobFor(svc: Service, sample: Task): FilterJob {
  return {
    svc,
    spec: sample.Spec,
    placement: compilePlacement(sample.Spec.Placement),
    reservations: sample.Spec.Resources?.Reservations,
    hostPorts: hostPortsOf(svc),
  };
}

/** A node during one service's pass: its count of that service's tasks, kept at hand for the heap. */
interface Candidate {
  info: NodeInfo;
  mine: number;
  failing: boolean;
}

function candidateLess(a: Candidate, b: Candidate): boolean {
  if (a.failing !== b.failing) return b.failing;
  if (a.mine !== b.mine) return a.mine < b.mine;
  if (a.info.active !== b.info.active) return a.info.active < b.info.active;
  return a.info.id < b.info.id;
}

function* placeService(job: FilterJob, tasks: Task[], nodes: readonly NodeInfo[], load: NodeLoad, plan: SchedulePlan): Steps<void> {
  const svc = job.svc;
  const pipeline = new Pipeline(job);
  const eligible: Candidate[] = [];
  for (const info of nodes) if (pipeline.process(info)) eligible.push({ info, mine: info.servicesOn(svc.ID), failing: info.failing(svc.ID) });
  const tree = buildSpreadTree(eligible, {
    descriptors: (job.spec.Placement?.Preferences ?? []).map((p) => p.Spread.SpreadDescriptor),
    valueOf: (c, d) => nodeAttribute(c.info.node, d) ?? '',
    nodeLess: candidateLess,
    countOn: (c) => c.mine,
  });
  const accept = (c: Candidate) => {
    if (!pipeline.recheck(c.info)) return false;
    load.place(c.info, job);
    c.mine++;
    return true;
  };
  let reason: string | undefined;
  for (let i = 0; i < tasks.length; i++) {
    if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
    const task = tasks[i];
    // Once nothing fits, nothing will for the rest of this service's tasks.
    const c = reason === undefined ? takeNode(tree, accept) : undefined;
    if (c) {
      plan.assign.push({ task, nodeId: c.info.id });
      continue;
    }
    reason ??= noSuitableNode(nodes.length === 0 ? '' : pipeline.explain());
    plan.unschedulable.push({ task, reason });
  }
}

/** Global tasks come with their node: check that one node, as swarmkit does for preassigned tasks. */
function placePreassigned(job: FilterJob, tasks: Task[], load: NodeLoad, plan: SchedulePlan): void {
  for (const task of tasks) {
    const info = load.get(task.NodeID!);
    const pipeline = new Pipeline(job);
    if (info && pipeline.process(info)) {
      load.place(info, job);
      plan.assign.push({ task, nodeId: info.id });
    } else {
      plan.unschedulable.push({ task, reason: noSuitableNode(info ? pipeline.explain() : '') });
    }
  }
}
