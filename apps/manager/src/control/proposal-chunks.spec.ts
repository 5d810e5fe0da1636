import { describe, expect, it } from 'vitest';
import type { Op } from '@flotilla/state';
import { chunkOps } from './proposal-chunks';

const status = (n: number): Op => ({ op: 'taskStatus', nodeId: 'n', report: { taskId: `t${n}`, state: 'running', message: '' }, at: 'x' });
const create = (n: number, from = 0): Op => ({ op: 'createTasks', serviceId: 's', serviceIndex: 1, at: 'x', tasks: Array.from({ length: n }, (_, i) => ({ id: `c${from + i}` })) });
const weights = (chunks: Op[][]) => chunks.map((c) => c.map((o) => (o.op === 'createTasks' ? `c${o.tasks.length}` : 's')).join(','));

describe('chunkOps', () => {
  it.each([
    // [ops, per proposal, per pass, proposals (c<n>: a createTasks of n tasks, s: any other op), complete]
    [[status(1), status(2), status(3)], 2, 100, ['s,s', 's'], true],
    [[create(2500)], 1000, 100_000, ['c1000', 'c1000', 'c500'], true],
    [[status(1), create(1500), status(2)], 1000, 100_000, ['s', 'c1000', 'c500,s'], true],
    // The pass's budget stops the plan between proposals; what is left is planned again.
    [[create(2500)], 1000, 2000, ['c1000', 'c1000'], false],
    [[status(1), status(2), status(3)], 10, 2, ['s,s'], false],
    // One op heavier than the pass still goes: a plan must always move.
    [[create(5)], 10, 3, ['c5'], true],
    [[], 10, 10, [], true],
  ])('%#', (ops, per, pass, want, complete) => {
    const out = chunkOps(ops, per, pass);
    expect(weights(out.chunks)).toEqual(want);
    expect(out.complete).toBe(complete);
  });

  it('keeps every task of a split createTasks exactly once, in order, and leaves the plan untouched', () => {
    const op = create(2345);
    const out = chunkOps([op], 1000, 100_000);
    const ids = out.chunks.flat().flatMap((o) => (o.op === 'createTasks' ? o.tasks.map((t) => t.id) : []));
    expect(ids).toEqual(Array.from({ length: 2345 }, (_, i) => `c${i}`));
    expect(op.op === 'createTasks' && op.tasks.length).toBe(2345);
  });
});
