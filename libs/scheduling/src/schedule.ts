import { isTerminal, type Service, type SwarmNode, type Task } from '@flotilla/contracts';
import { constraintsMatch } from './constraint';

export interface ScheduleInput {
  nodes: ReadonlyMap<string, SwarmNode>;
  services: ReadonlyMap<string, Service>;
  tasks: Iterable<Task>;
  pending: Task[];
}

export interface SchedulePlan {
  assign: { task: Task; nodeId: string }[];
  unschedulable: { task: Task; reason: string }[];
}

interface Filter {
  /** The phrase swarmkit uses to explain a node this filter refused. */
  explain: string;
  ok(node: SwarmNode, svc: Service, counts: Counts): boolean;
}

interface Counts {
  perService: Map<string, Map<string, number>>;
  total: Map<string, number>;
  cpu: Map<string, number>;
  mem: Map<string, number>;
}

const FILTERS: Filter[] = [
  { explain: 'node not ready', ok: (n) => n.Status.State === 'ready' },
  { explain: 'not available for new tasks', ok: (n) => n.Spec.Availability === 'active' },
  { explain: 'scheduling constraints not satisfied', ok: (n, s) => constraintsMatch(s, n) },
  {
    explain: 'insufficient resources',
    ok: (n, s, c) => {
      const r = s.Spec.TaskTemplate.Resources?.Reservations;
      if (!r) return true;
      const cpuFree = n.Description.Resources.NanoCPUs - (c.cpu.get(n.ID) ?? 0);
      const memFree = n.Description.Resources.MemoryBytes - (c.mem.get(n.ID) ?? 0);
      return (r.NanoCPUs ?? 0) <= cpuFree && (r.MemoryBytes ?? 0) <= memFree;
    },
  },
  {
    explain: 'max replicas per node limit exceed',
    ok: (n, s, c) => {
      const max = s.Spec.TaskTemplate.Placement?.MaxReplicas;
      return !max || (c.perService.get(s.ID)?.get(n.ID) ?? 0) < max;
    },
  },
];

/**
 * Places pending tasks: filters that can explain themselves, then spread
 * (fewest tasks of the service, then fewest overall, then node id). Counts
 * are updated as it goes, so one pass spreads a whole batch evenly.
 */
export function schedule(input: ScheduleInput): SchedulePlan {
  const counts: Counts = { perService: new Map(), total: new Map(), cpu: new Map(), mem: new Map() };
  for (const t of input.tasks) {
    if (!t.NodeID || isTerminal(t.Status.State) || t.DesiredState !== 'running') continue;
    count(counts, t, input.services.get(t.ServiceID), t.NodeID);
  }
  const nodes = [...input.nodes.values()];
  const plan: SchedulePlan = { assign: [], unschedulable: [] };
  for (const task of input.pending) {
    const svc = input.services.get(task.ServiceID);
    if (!svc) continue;
    const refused = new Map<string, number>();
    let best: SwarmNode | undefined;
    for (const n of nodes) {
      const f = FILTERS.find((x) => !x.ok(n, svc, counts));
      if (f) {
        refused.set(f.explain, (refused.get(f.explain) ?? 0) + 1);
        continue;
      }
      if (!best || better(n, best, svc.ID, counts)) best = n;
    }
    if (!best) {
      plan.unschedulable.push({ task, reason: explain(refused, nodes.length) });
      continue;
    }
    plan.assign.push({ task, nodeId: best.ID });
    count(counts, task, svc, best.ID);
  }
  return plan;
}

function better(a: SwarmNode, b: SwarmNode, serviceId: string, c: Counts): boolean {
  const sa = c.perService.get(serviceId)?.get(a.ID) ?? 0;
  const sb = c.perService.get(serviceId)?.get(b.ID) ?? 0;
  if (sa !== sb) return sa < sb;
  const ta = c.total.get(a.ID) ?? 0;
  const tb = c.total.get(b.ID) ?? 0;
  if (ta !== tb) return ta < tb;
  return a.ID < b.ID;
}

function count(c: Counts, t: Task, svc: Service | undefined, nodeId: string) {
  let m = c.perService.get(t.ServiceID);
  if (!m) c.perService.set(t.ServiceID, (m = new Map()));
  m.set(nodeId, (m.get(nodeId) ?? 0) + 1);
  c.total.set(nodeId, (c.total.get(nodeId) ?? 0) + 1);
  const r = svc?.Spec.TaskTemplate.Resources?.Reservations;
  if (r?.NanoCPUs) c.cpu.set(nodeId, (c.cpu.get(nodeId) ?? 0) + r.NanoCPUs);
  if (r?.MemoryBytes) c.mem.set(nodeId, (c.mem.get(nodeId) ?? 0) + r.MemoryBytes);
}

function explain(refused: Map<string, number>, total: number): string {
  if (total === 0) return 'no suitable node (no nodes available)';
  const parts = [...refused].map(([why, n]) => `${why} on ${n} node${n === 1 ? '' : 's'}`);
  return `no suitable node (${parts.join('; ')})`;
}
