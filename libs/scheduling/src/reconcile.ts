import { isTerminal, type Service, type SwarmNode, type Task } from '@flotilla/contracts';

export interface ReconcileInput {
  services: Iterable<Service>;
  tasksOfService(serviceId: string): Task[];
  nodes: ReadonlyMap<string, SwarmNode>;
  now: number;
  newId(): string;
  historyLimit: number;
  orphanTasks?: Task[];
}

export interface ReconcilePlan {
  create: Task[];
  update: Task[];
  delete: Task[];
  wakeAt?: number;
}

const DEFAULT_RESTART_DELAY_NS = 5e9;

/**
 * Services + tasks -> the task changes that make them agree. Level-triggered
 * and pure: the whole desired state each time, time and ids injected.
 */
export function reconcile(input: ReconcileInput): ReconcilePlan {
  const plan: ReconcilePlan = { create: [], update: [], delete: [] };
  for (const svc of input.services) {
    const tasks = input.tasksOfService(svc.ID);
    if ('Replicated' in svc.Spec.Mode) reconcileReplicated(svc, tasks, input, plan);
    else reconcileGlobal(svc, tasks, input, plan);
  }
  for (const t of input.orphanTasks ?? []) {
    const node = t.NodeID ? input.nodes.get(t.NodeID) : undefined;
    if (isTerminal(t.Status.State) || !t.NodeID || !node || node.Status.State === 'down') plan.delete.push(t);
    else if (t.DesiredState !== 'remove') plan.update.push({ ...t, DesiredState: 'remove' });
  }
  return plan;
}

/** Whether a task still stands for its slot (running, on its way, or about to be restarted). */
function isLive(t: Task): boolean {
  return t.DesiredState === 'running' && !isTerminal(t.Status.State);
}

function nodeUsable(nodes: ReadonlyMap<string, SwarmNode>, id: string | undefined): boolean {
  if (!id) return true;
  const n = nodes.get(id);
  return !!n && n.Status.State !== 'down' && n.Spec.Availability !== 'drain';
}

export function sameSpec(t: Task, s: Service): boolean {
  return JSON.stringify(t.Spec) === JSON.stringify(s.Spec.TaskTemplate);
}

function reconcileReplicated(svc: Service, tasks: Task[], input: ReconcileInput, plan: ReconcilePlan) {
  const want = 'Replicated' in svc.Spec.Mode ? (svc.Spec.Mode.Replicated.Replicas ?? 1) : 0;
  const bySlot = new Map<number, Task[]>();
  for (const t of tasks) bySlot.set(t.Slot ?? 0, [...(bySlot.get(t.Slot ?? 0) ?? []), t]);
  const slots = new Set<number>([...bySlot.keys()]);
  for (let s = 1; s <= want; s++) slots.add(s);
  for (const slot of [...slots].sort((a, b) => a - b)) {
    const history = (bySlot.get(slot) ?? []).sort((a, b) => cmpCreated(a, b));
    if (slot > want || slot < 1) {
      for (const t of history) if (t.DesiredState === 'running') plan.update.push(shutdown(t));
      trimHistory(history, 0, plan);
      continue;
    }
    reconcileSlot(svc, slot, undefined, history, input, plan);
  }
}

function reconcileGlobal(svc: Service, tasks: Task[], input: ReconcileInput, plan: ReconcilePlan) {
  const byNode = new Map<string, Task[]>();
  for (const t of tasks) byNode.set(t.NodeID ?? '', [...(byNode.get(t.NodeID ?? '') ?? []), t]);
  for (const node of input.nodes.values()) {
    const history = (byNode.get(node.ID) ?? []).sort(cmpCreated);
    byNode.delete(node.ID);
    const eligible = node.Status.State === 'ready' && node.Spec.Availability !== 'drain' && constraintsMatch(svc, node);
    if (!eligible) {
      for (const t of history) if (t.DesiredState === 'running') plan.update.push(shutdown(t));
      trimHistory(history, input.historyLimit, plan);
      continue;
    }
    if (node.Spec.Availability === 'pause' && !history.some(isLive)) continue;
    reconcileSlot(svc, 0, node.ID, history, input, plan);
  }
  for (const rest of byNode.values()) {
    for (const t of rest) if (t.DesiredState === 'running') plan.update.push(shutdown(t));
    trimHistory(rest.sort(cmpCreated), 0, plan);
  }
}

/** One slot (or one node of a global service): keep exactly one up-to-date live task. */
function reconcileSlot(
  svc: Service,
  slot: number,
  nodeId: string | undefined,
  history: Task[],
  input: ReconcileInput,
  plan: ReconcilePlan,
) {
  const live = history.filter(isLive);
  let keep: Task | undefined;
  for (const t of live.reverse()) {
    if (!keep && sameSpec(t, svc) && nodeUsable(input.nodes, t.NodeID)) keep = t;
    else plan.update.push(shutdown(t));
  }
  const replaced = history.filter((t) => !keep || t.ID !== keep.ID);
  // Tasks that ended while wanted running are marked shutdown so they stop counting.
  for (const t of replaced) {
    if (t.DesiredState === 'running' && isTerminal(t.Status.State) && !plan.update.some((u) => u.ID === t.ID)) {
      plan.update.push(shutdown(t));
    }
  }
  if (!keep) {
    const last = history[history.length - 1];
    const decision = restartDecision(svc, history, last, input);
    if (decision.create) plan.create.push(newTask(svc, slot, nodeId, input));
    if (decision.wakeAt !== undefined) plan.wakeAt = Math.min(plan.wakeAt ?? Infinity, decision.wakeAt);
  }
  trimHistory(history, input.historyLimit, plan);
}

/** Swarm's restart policy: condition, delay from the end of the last task, attempts within a window. */
function restartDecision(svc: Service, history: Task[], last: Task | undefined, input: ReconcileInput): { create: boolean; wakeAt?: number } {
  if (!last || !isTerminal(last.Status.State) || last.DesiredState !== 'running') {
    // Never ran, was replaced on purpose (spec change, node down/drain) or shut down: start now.
    return { create: true };
  }
  const rp = svc.Spec.TaskTemplate.RestartPolicy ?? {};
  const cond = rp.Condition ?? 'any';
  if (cond === 'none') return { create: false };
  if (cond === 'on-failure' && last.Status.State === 'complete') return { create: false };
  if (rp.MaxAttempts) {
    const windowStart = rp.Window ? input.now - rp.Window / 1e6 : -Infinity;
    const attempts = history.filter((t) => isTerminal(t.Status.State) && Date.parse(t.Status.Timestamp) >= windowStart).length;
    if (attempts > rp.MaxAttempts) return { create: false };
  }
  const due = Date.parse(last.Status.Timestamp) + (rp.Delay ?? DEFAULT_RESTART_DELAY_NS) / 1e6;
  return input.now >= due ? { create: true } : { create: false, wakeAt: due };
}

function trimHistory(history: Task[], limit: number, plan: ReconcilePlan) {
  const dead = history.filter((t) => isTerminal(t.Status.State) && t.DesiredState !== 'running');
  const excess = history.length - Math.max(limit, 0);
  for (const t of dead.slice(0, Math.max(0, excess))) {
    plan.delete.push(t);
    const i = plan.update.findIndex((u) => u.ID === t.ID);
    if (i >= 0) plan.update.splice(i, 1);
  }
}

function shutdown(t: Task): Task {
  return { ...t, DesiredState: 'shutdown' };
}

function cmpCreated(a: Task, b: Task): number {
  return a.CreatedAt < b.CreatedAt ? -1 : a.CreatedAt > b.CreatedAt ? 1 : a.ID < b.ID ? -1 : 1;
}

function newTask(svc: Service, slot: number, nodeId: string | undefined, input: ReconcileInput): Task {
  const at = new Date(input.now).toISOString();
  return {
    ID: input.newId(),
    Version: { Index: 0 },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: svc.Spec.TaskTemplate,
    ServiceID: svc.ID,
    ServiceName: svc.Spec.Name,
    ...(slot ? { Slot: slot } : {}),
    ...(nodeId ? { NodeID: nodeId } : {}),
    Status: { Timestamp: at, State: 'new', Message: 'created' },
    DesiredState: 'running',
    SpecVersion: { Index: svc.Version.Index },
    NetworksAttachments: (svc.Spec.TaskTemplate.Networks ?? []).map((n) => ({ Network: { ID: n.Target, Spec: { Name: n.Target } } })),
  };
}

import { constraintsMatch } from './constraint';
