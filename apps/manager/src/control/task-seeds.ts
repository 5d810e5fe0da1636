import type { Task } from '@flotilla/contracts';
import type { Op, TaskSeed } from '@flotilla/state';

/** Seeds per op: one proposal chunk stays ~100 KB. */
const SEEDS_PER_OP = 2000;

/**
 * The orchestrator's new tasks as `createTasks` ops: grouped by service, the
 * service version they were made from and their creation time, which is all a
 * replica needs to rebuild each one with `newTask`. `placed` carries the
 * scheduler's choice for tasks placed in the same pass (pure). Seeds go in node order: the
 * spread scheduler gives every node a few tasks per pass, and a proposal cut from node-ordered
 * seeds touches a few nodes (one fetch each) instead of a few tasks on every node.
 */
export function createTaskOps(created: readonly Task[], placed: ReadonlyMap<string, string>): Op[] {
  const ops: Op[] = [];
  const open = new Map<string, TaskSeed[]>();
  // Each task's node looked up once (a comparator looking both up cost 50k x 16 Map reads a pass).
  const keyed = created.map((t) => ({ t, node: placed.get(t.ID) ?? t.NodeID ?? '' }));
  keyed.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  for (const { t } of keyed) {
    const key = `${t.ServiceID}\u0000${t.SpecVersion?.Index ?? 0}\u0000${t.CreatedAt}`;
    let seeds = open.get(key);
    if (!seeds || seeds.length >= SEEDS_PER_OP) {
      seeds = [];
      open.set(key, seeds);
      ops.push({ op: 'createTasks', serviceId: t.ServiceID, serviceIndex: t.SpecVersion?.Index ?? 0, at: t.CreatedAt, tasks: seeds });
    }
    const seed: TaskSeed = { id: t.ID };
    if (t.Slot !== undefined) seed.slot = t.Slot;
    if (t.NodeID) seed.nodeId = t.NodeID;
    const to = placed.get(t.ID);
    if (to) seed.assignedTo = to;
    seeds.push(seed);
  }
  return ops;
}
