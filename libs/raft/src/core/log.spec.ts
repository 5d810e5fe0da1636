import { describe, expect, it } from 'vitest';
import { RaftLog } from './log';
import type { Entry } from './types';

const entry = (index: number, bytes: number): Entry => ({ index, term: 1, type: 'normal', data: 'x'.repeat(bytes) });

describe('RaftLog.takeCommitted', () => {
  const log = () => new RaftLog(null, [1, 2, 3, 4, 5].map((i) => entry(i, 1000)), 5);

  it.each([
    // [max entries, max bytes, indexes handed out]
    [4096, Infinity, [1, 2, 3, 4, 5]],
    [2, Infinity, [1, 2]],
    // Each entry weighs 1,024 (1,000 of data and 24 of header).
    [4096, 2100, [1, 2]],
    [4096, 3072, [1, 2, 3]],
    // One entry goes even when it alone is over the budget: the log must move on.
    [4096, 10, [1]],
  ])('hands out at most %s entries and %s bytes: %j', (count, bytes, want) => {
    expect(log().takeCommitted(count, bytes).map((e) => e.index)).toEqual(want);
  });

  it('the next call continues where the byte budget stopped', () => {
    const l = log();
    const seen: number[][] = [];
    for (let got = l.takeCommitted(4096, 2100); got.length > 0; got = l.takeCommitted(4096, 2100)) seen.push(got.map((e) => e.index));
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
  });
});
