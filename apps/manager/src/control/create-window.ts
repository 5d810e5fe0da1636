import type { Task } from '@flotilla/contracts';

/**
 * Which of a pass's planned creations it commits. The pass plans more tasks than it commits (so the
 * spread scheduler sees how many each node will end with) and commits whole nodes' worth, in node
 * order: a node then gets its share of a big service in one or two commits, one doorbell and one
 * fetch each, instead of a few tasks in every pass (a 100k-task service on 1,000 nodes rang every
 * node ten times). Tasks not placed in this pass (waiting for an overlay address, or for a node)
 * come after the placed ones. Pure; the order of the result is the order to commit in.
 */
export function createWindow(planned: readonly Task[], placed: ReadonlyMap<string, string>, limit: number): Task[] {
  if (planned.length <= limit) return [...planned];
  const byNode = new Map<string, Task[]>();
  const unplaced: Task[] = [];
  for (const t of planned) {
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
