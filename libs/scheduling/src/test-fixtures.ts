import type { Service, SwarmNode, Task, TaskState } from '@flotilla/contracts';
import type { ReconcileInput, ReconcilePlan } from './reconcile';

/** Builders for the pure planners' specs (no I/O, fixed clock). */
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();

type NodeOver = Partial<SwarmNode> & {
  labels?: Record<string, string>;
  state?: SwarmNode['Status']['State'];
  availability?: SwarmNode['Spec']['Availability'];
  role?: SwarmNode['Spec']['Role'];
  addr?: string;
};

export function node(id: string, over: NodeOver = {}): SwarmNode {
  return {
    ID: id,
    Version: { Index: 1 },
    CreatedAt: iso(T0),
    UpdatedAt: iso(T0),
    Spec: { Labels: over.labels ?? {}, Role: over.role ?? 'worker', Availability: over.availability ?? 'active', ...over.Spec },
    Description: {
      Hostname: `host-${id}`,
      Platform: { Architecture: 'x86_64', OS: 'linux' },
      Resources: { NanoCPUs: 2e9, MemoryBytes: 4 * 1024 ** 3 },
      Engine: { EngineVersion: '20.10' },
      ...over.Description,
    },
    Status: { State: over.state ?? 'ready', Addr: over.addr ?? '10.0.0.1' },
  };
}

export function service(
  id: string,
  replicas: number | 'global',
  over: Partial<Service['Spec']['TaskTemplate']> = {},
  spec: Partial<Omit<Service['Spec'], 'TaskTemplate' | 'Mode'>> = {},
): Service {
  return {
    ID: id,
    Version: { Index: 5 },
    CreatedAt: iso(T0),
    UpdatedAt: iso(T0),
    Spec: {
      Name: `svc-${id}`,
      TaskTemplate: { ContainerSpec: { Image: 'img' }, ...over },
      Mode: replicas === 'global' ? { Global: {} } : { Replicated: { Replicas: replicas } },
      ...spec,
    },
    Endpoint: { Spec: {} },
  };
}

let seq = 0;
export function task(svc: Service, slot: number, state: TaskState, o: { node?: string; desired?: TaskState; at?: number; exit?: number } = {}): Task {
  seq++;
  return {
    ID: `t${String(seq).padStart(6, '0')}`,
    Version: { Index: 3 },
    CreatedAt: iso((o.at ?? T0) + seq),
    UpdatedAt: iso(o.at ?? T0),
    Spec: svc.Spec.TaskTemplate,
    ServiceID: svc.ID,
    ServiceName: svc.Spec.Name,
    ...(slot ? { Slot: slot } : {}),
    ...(o.node ? { NodeID: o.node } : {}),
    Status: { Timestamp: iso(o.at ?? T0), State: state, Message: '', ...(o.exit !== undefined ? { ContainerStatus: { ExitCode: o.exit } } : {}) },
    DesiredState: o.desired ?? 'running',
  };
}

export function ids(prefix = 'n') {
  let i = 0;
  return () => `${prefix}${String(++i).padStart(6, '0')}`;
}

/** A reconcile input over plain arrays, fixed clock and ids. */
export function reconcileInput(services: Service[], tasks: Task[], nodes: SwarmNode[], now = T0, extra: Partial<ReconcileInput> = {}): ReconcileInput {
  const bySvc = new Map<string, Task[]>();
  for (const t of tasks) bySvc.set(t.ServiceID, [...(bySvc.get(t.ServiceID) ?? []), t]);
  return {
    services,
    tasksOfService: (id) => [...(bySvc.get(id) ?? [])],
    nodes: new Map(nodes.map((n) => [n.ID, n])),
    now,
    newId: ids('new'),
    historyLimit: 5,
    ...extra,
  };
}

/** Applies a plan the way the store would: updates replace, deletes go, creates land. */
export function applyPlan(tasks: Task[], plan: ReconcilePlan): Task[] {
  const byId = new Map(tasks.map((t) => [t.ID, t]));
  for (const t of plan.update) byId.set(t.ID, t);
  for (const t of plan.delete) byId.delete(t.ID);
  for (const t of plan.create) byId.set(t.ID, t);
  return [...byId.values()];
}

export const nodeMap = (ns: SwarmNode[]) => new Map(ns.map((n) => [n.ID, n]));
export const serviceMap = (ss: Service[]) => new Map(ss.map((s) => [s.ID, s]));
