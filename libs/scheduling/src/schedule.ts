import { isTerminal, type Service, type SwarmNode, type Task } from '@flotilla/contracts';
import { constraintsMatch } from './constraint';
import { MinHeap } from './min-heap';

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

interface Counts {
  perService: Map<string, Map<string, number>>;
  total: Map<string, number>;
  cpu: Map<string, number>;
  mem: Map<string, number>;
}

/** A filter that can say why it refused a node: that phrase is what `service ps` shows. */
interface Filter {
  explain: string;
  ok(node: SwarmNode, svc: Service, counts: Counts): boolean;
}

/** Filters that do not change while tasks are placed: run once per service. */
const STATIC: Filter[] = [
  { explain: 'node not ready', ok: (n) => n.Status.State === 'ready' },
  { explain: 'not available for new tasks', ok: (n) => n.Spec.Availability === 'active' },
  { explain: 'scheduling constraints not satisfied', ok: (n, s) => constraintsMatch(s, n) },
];

/** Filters on what placing tasks uses up: once a node fails one, it stays failed for this pass. */
const DYNAMIC: Filter[] = [
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
 * Places pending tasks (swarmkit's pipeline, as a pure function): per service,
 * the static filters once, then a heap of the eligible nodes ordered by tasks
 * of that service, tasks overall, node id; each task takes the top node that
 * still passes the dynamic filters. O(pending x log nodes) per service.
 */
export function schedule(input: ScheduleInput): SchedulePlan {
  const counts: Counts = { perService: new Map(), total: new Map(), cpu: new Map(), mem: new Map() };
  for (const t of input.tasks) {
    if (!t.NodeID || isTerminal(t.Status.State) || t.DesiredState !== 'running') continue;
    count(counts, t.ServiceID, input.services.get(t.ServiceID), t.NodeID);
  }
  const nodes = [...input.nodes.values()];
  const plan: SchedulePlan = { assign: [], unschedulable: [] };
  const byService = new Map<string, Task[]>();
  for (const t of input.pending) {
    const list = byService.get(t.ServiceID);
    if (list) list.push(t);
    else byService.set(t.ServiceID, [t]);
  }

  for (const [serviceId, tasks] of byService) {
    const svc = input.services.get(serviceId);
    if (!svc) continue;
    const refused = new Map<string, number>();
    const refuse = (why: string) => refused.set(why, (refused.get(why) ?? 0) + 1);
    const perSvc = () => counts.perService.get(serviceId);
    const heap = new MinHeap<SwarmNode>((a, b) => {
      const sa = perSvc()?.get(a.ID) ?? 0;
      const sb = perSvc()?.get(b.ID) ?? 0;
      if (sa !== sb) return sa < sb;
      const ta = counts.total.get(a.ID) ?? 0;
      const tb = counts.total.get(b.ID) ?? 0;
      if (ta !== tb) return ta < tb;
      return a.ID < b.ID;
    });
    for (const n of nodes) {
      const f = STATIC.find((x) => !x.ok(n, svc, counts));
      if (f) refuse(f.explain);
      else heap.push(n);
    }
    for (const task of tasks) {
      let placed: SwarmNode | undefined;
      while (heap.size > 0) {
        const n = heap.pop()!;
        const f = DYNAMIC.find((x) => !x.ok(n, svc, counts));
        if (f) {
          refuse(f.explain);
          continue;
        }
        placed = n;
        break;
      }
      if (!placed) {
        plan.unschedulable.push({ task, reason: explain(refused, nodes.length) });
        continue;
      }
      plan.assign.push({ task, nodeId: placed.ID });
      count(counts, serviceId, svc, placed.ID);
      heap.push(placed);
    }
  }
  return plan;
}

function count(c: Counts, serviceId: string, svc: Service | undefined, nodeId: string) {
  let m = c.perService.get(serviceId);
  if (!m) c.perService.set(serviceId, (m = new Map()));
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
