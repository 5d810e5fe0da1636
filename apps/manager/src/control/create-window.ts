import type { Task } from '@flotilla/contracts';
import { runSteps, type Steps } from '@flotilla/scheduling';

/** Tasks between two pause points. */
const TASKS_PER_STEP = 2048;

/**
 * Which of a pass's planned creations it commits. The pass plans more tasks than it commits (so the
 * spread scheduler sees how many each node will end with) and commits whole nodes' worth, in node
 * order: a node then gets its share of a big service in one or two commits, one doorbell and one
 * fetch each, instead of a few tasks in every pass (a 100k-task service on 1,000 nodes rang every
 * node ten times). Tasks not placed in this pass (waiting for an overlay address, or for a node)
 * come after the placed ones. Pure; the order of the result is the order to commit in.
 */
export function createWindow(planned: readonly Task[], placed: ReadonlyMap<string, string>, limit: number): Task[] {
  return runSteps(createWindowSteps(planned, placed, limit));
}

/** `createWindow` in steps (a caller spreads it over turns of its event loop). */
export function* createWindowSteps(planned: readonly Task[], placed: ReadonlyMap<string, string>, limit: number): Steps<Task[]> {
  if (planned.length <= limit) return [...planned];
  const byNode = new Map<string, Task[]>();
  const unplaced: Task[] = [];
  for (let i = 0; i < planned.length; i++) {
    if (i % TASKS_PER_STEP === TASKS_PER_STEP - 1) yield;
    const t = planned[i];
    const node = placed.get(t.ID);
    if (node === undefined) {
      unplaced.push(t);
      continue;
    }
    const list = byNode.get(node);
    if (list) list.push(t);
    else byNode.set(node, [t]);
  }
  const out: Task[] = [];
  for (const node of [...byNode.keys()].sort()) {
    const tasks = byNode.get(node)!;
    // Whole nodes only, except the first (a node's share larger than the window is cut, not skipped).
    if (out.length > 0 && out.length + tasks.length > limit) break;
    for (const t of tasks) {
      if (out.length >= limit) break;
      out.push(t);
    }
  }
  for (const t of unplaced) {
    if (out.length >= limit) break;
    out.push(t);
  }
  return out;
}
