import type { Task } from '@flotilla/contracts';
import type { Op, TaskSeed } from '@flotilla/state';
import { runSteps, type Steps } from '@flotilla/scheduling';

/** Tasks between two pause points. */
const TASKS_PER_STEP = 2048;

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
  return runSteps(createTaskOpsSteps(created, placed));
}

/** `createTaskOps` in steps (a caller spreads it over turns of its event loop). */
export function* createTaskOpsSteps(created: readonly Task[], placed: ReadonlyMap<string, string>): Steps<Op[]> {
  const ops: Op[] = [];
  const open = new Map<string, TaskSeed[]>();
  // In node order, each node's tasks in plan order (a stable sort by node, without the comparator:
  // 50k tasks sorted by one held the loop 30-50 ms).
  const byNode = new Map<string, Task[]>();
  for (let i = 0; i < created.length; i++) {
    if (i % TASKS_PER_STEP === TASKS_PER_STEP - 1) yield;
    const t = created[i];
    const node = placed.get(t.ID) ?? t.NodeID ?? '';
    const list = byNode.get(node);
    if (list) list.push(t);
    else byNode.set(node, [t]);
  }
  const ordered: Task[] = [];
  for (const node of [...byNode.keys()].sort()) for (const t of byNode.get(node)!) ordered.push(t);
  for (let i = 0; i < ordered.length; i++) {
    if (i % TASKS_PER_STEP === TASKS_PER_STEP - 1) yield;
    const t = ordered[i];
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
    if (t.DesiredState === 'ready') seed.held = true;
    seeds.push(seed);
  }
  return ops;
}
