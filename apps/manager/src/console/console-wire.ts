import type { SwarmNode, Task } from '@flotilla/contracts';
import type { StateView } from '@flotilla/state';
import { consoleLists, consoleNodes, consoleServices, type ConsoleNode, type ConsoleService } from './console-view';

/**
 * What the overview page is sent: only what it shows, with short keys, because at 1,000 nodes
 * and 5,000 tasks every byte is paid thousands of times. Tasks are only the current ones (the grid
 * and the counts); a task's health, error, age and the ended ones are fetched by the service page.
 */
export interface WireNode {
  i: string;
  /** hostname */
  h: string;
  /** role */
  r: string;
  /** `node ls`'s MANAGER STATUS; omitted for a worker */
  m?: string;
  /** 1 on the leader */
  l?: 1;
  /** status */
  s: string;
  /** availability */
  a: string;
  /** engine version */
  e: string;
  /** CPUs */
  c: number;
  /** memory bytes */
  b: number;
  /** address */
  d: string;
}

export interface WireTask {
  i: string;
  /** service ID */
  s: string;
  /** node ID, omitted while unassigned */
  n?: string;
  /** slot, omitted for a global task (its name uses the node) */
  l?: number;
  /** current state */
  t: string;
}

/** Services are few: their rows keep the view model's names. */
export type WireService = ConsoleService;

export interface WireLists {
  stacks: { name: string; services: number }[];
  networks: string[];
  secrets: string[];
  configs: string[];
}

export interface WireView extends WireLists {
  /** The feed's sequence number: the page applies only diffs after it. */
  q: number;
  nodes: WireNode[];
  services: WireService[];
  tasks: WireTask[];
}

/** Objects of one kind that changed or appeared (`up`, whole) and the IDs of those that went (`rm`). */
export interface WireChanges<T> {
  up: T[];
  rm: string[];
}

/** What changed between two sequence numbers; a list of names is sent whole when it changed. */
export interface WireDiff extends Partial<WireLists> {
  q: number;
  nodes?: WireChanges<WireNode>;
  services?: WireChanges<WireService>;
  tasks?: WireChanges<WireTask>;
}

/** The tasks the overview shows: those that should run (or run to completion), whatever their state now. */
const isCurrent = (t: Task) => t.DesiredState !== 'shutdown' && t.DesiredState !== 'remove';

function wireNode(n: ConsoleNode): WireNode {
  const w: WireNode = { i: n.id, h: n.hostname, r: n.role, s: n.status, a: n.availability, e: n.engine, c: n.cpus, b: n.memoryBytes, d: n.addr };
  if (n.manager) w.m = n.manager;
  if (n.leader) w.l = 1;
  return w;
}

function wireTask(t: Task): WireTask {
  const w: WireTask = { i: t.ID, s: t.ServiceID, t: t.Status.State };
  if (t.NodeID) w.n = t.NodeID;
  if (t.Slot) w.l = t.Slot;
  return w;
}

/** A wire view and each of its objects serialised, by ID: what the next view is compared with. */
export interface WireBuild {
  view: WireView;
  index: WireIndex;
}

/**
 * Builds the overview's compact view from the store. The store replaces a task object when it
 * changes, so a task's compact form and its JSON are kept by object: with 5,000 tasks, a change
 * to a few costs a few, not 5,000.
 */
export class WireBuilder {
  private readonly tasks = new WeakMap<Task, { wire: WireTask; json: string }>();

  build(view: StateView, nodes: readonly SwarmNode[], q: number): WireBuild {
    const services = consoleServices(view);
    const lists = consoleLists(view, services);
    const wireNodes = consoleNodes(nodes).map(wireNode);
    const tasks: WireTask[] = [];
    const taskJson = new Map<string, string>();
    for (const t of view.tasks.values()) {
      if (!isCurrent(t)) continue;
      let c = this.tasks.get(t);
      if (!c) {
        const wire = wireTask(t);
        c = { wire, json: JSON.stringify(wire) };
        this.tasks.set(t, c);
      }
      tasks.push(c.wire);
      taskJson.set(c.wire.i, c.json);
    }
    const out: WireView = { q, nodes: wireNodes, services, tasks, ...lists };
    return { view: out, index: { ...indexWire({ ...out, tasks: [] }), tasks: taskJson } };
  }
}

/** Each object of a wire view serialised once, by ID: what the next view is compared with. */
export interface WireIndex {
  nodes: Map<string, string>;
  services: Map<string, string>;
  tasks: Map<string, string>;
  lists: Record<keyof WireLists, string>;
}

const byId = <T extends { i: string } | { id: string }>(xs: readonly T[]) => new Map(xs.map((x) => ['i' in x ? x.i : x.id, JSON.stringify(x)]));

export function indexWire(v: WireView): WireIndex {
  return {
    nodes: byId(v.nodes),
    services: byId(v.services),
    tasks: byId(v.tasks),
    lists: { stacks: JSON.stringify(v.stacks), networks: JSON.stringify(v.networks), secrets: JSON.stringify(v.secrets), configs: JSON.stringify(v.configs) },
  };
}

function changes<T>(before: Map<string, string>, after: Map<string, string>): WireChanges<T> | undefined {
  const up: T[] = [];
  const rm: string[] = [];
  for (const [id, json] of after) if (before.get(id) !== json) up.push(JSON.parse(json) as T);
  for (const id of before.keys()) if (!after.has(id)) rm.push(id);
  return up.length || rm.length ? { up, rm } : undefined;
}

/** The diff from `before` to `after` as sequence `q`, or undefined when nothing the page shows changed. */
export function diffWire(before: WireIndex, after: WireIndex, q: number): WireDiff | undefined {
  const d: WireDiff = { q };
  const nodes = changes<WireNode>(before.nodes, after.nodes);
  const services = changes<WireService>(before.services, after.services);
  const tasks = changes<WireTask>(before.tasks, after.tasks);
  if (nodes) d.nodes = nodes;
  if (services) d.services = services;
  if (tasks) d.tasks = tasks;
  let any = !!(nodes || services || tasks);
  for (const k of ['stacks', 'networks', 'secrets', 'configs'] as const) {
    if (before.lists[k] === after.lists[k]) continue;
    (d as unknown as Record<string, unknown>)[k] = JSON.parse(after.lists[k]);
    any = true;
  }
  return any ? d : undefined;
}
