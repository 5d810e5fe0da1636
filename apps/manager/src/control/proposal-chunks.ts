import type { Op } from '@flotilla/state';

/** What an op costs to apply, in objects written: a `createTasks` op makes one task per seed. */
export function opWeight(op: Op): number {
  return op.op === 'createTasks' ? Math.max(1, op.tasks.length) : 1;
}

/**
 * Cuts a plan into proposals of at most `perProposal` objects written, taking at most `perPass`
 * in all (the rest is planned again by the next pass). Every member applies a proposal in one
 * go, so its weight bounds how long a manager's event loop is held by it; a `createTasks` op
 * heavier than a proposal is split into several. Pure: ops are copied, never changed.
 */
export function chunkOps(ops: readonly Op[], perProposal: number, perPass: number): { chunks: Op[][]; complete: boolean } {
  const chunks: Op[][] = [];
  let cur: Op[] = [];
  let curWeight = 0;
  let total = 0;
  const close = () => {
    if (cur.length > 0) chunks.push(cur);
    cur = [];
    curWeight = 0;
  };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const pieces =
      op.op === 'createTasks' && op.tasks.length > perProposal
        ? Array.from({ length: Math.ceil(op.tasks.length / perProposal) }, (_, k) => ({ ...op, tasks: op.tasks.slice(k * perProposal, (k + 1) * perProposal) }))
        : [op];
    for (const p of pieces) {
      const w = opWeight(p);
      if (total + w > perPass && total > 0) {
        close();
        return { chunks, complete: false };
      }
      if (curWeight + w > perProposal) close();
      cur.push(p);
      curWeight += w;
      total += w;
    }
  }
  close();
  return { chunks, complete: true };
}
