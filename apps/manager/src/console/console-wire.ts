import type { ConsoleNode, ConsoleService, ConsoleTask, ConsoleView } from './console-view';

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

const isCurrent = (t: ConsoleTask) => t.desired !== 'shutdown' && t.desired !== 'remove';

function wireNode(n: ConsoleNode): WireNode {
  return {
    i: n.id,
    h: n.hostname,
    r: n.role,
    ...(n.manager ? { m: n.manager } : {}),
    ...(n.leader ? { l: 1 as const } : {}),
    s: n.status,
    a: n.availability,
    e: n.engine,
    c: n.cpus,
    b: n.memoryBytes,
    d: n.addr,
  };
}

function wireTask(t: ConsoleTask): WireTask {
  return { i: t.id, s: t.serviceId, ...(t.nodeId ? { n: t.nodeId } : {}), ...(t.slot ? { l: t.slot } : {}), t: t.state };
}

/** The overview's compact form of the view model. */
export function toWire(v: ConsoleView, q: number): WireView {
  return {
    q,
    nodes: v.nodes.map(wireNode),
    services: v.services,
    tasks: v.tasks.filter(isCurrent).map(wireTask),
    stacks: v.stacks,
    networks: v.networks,
    secrets: v.secrets,
    configs: v.configs,
  };
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
