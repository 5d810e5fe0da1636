import { describe, expect, it } from 'vitest';
import { LivenessLedger, MISSED_PERIODS } from './liveness-ledger';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`);

describe('LivenessLedger', () => {
  it.each([
    // [told period, silent for, overdue?]
    [5000, 14_999, false],
    [5000, 15_001, true],
    // A node told a longer period (a large cluster) is judged by it, not by the configured one.
    [20_000, 59_000, false],
    [20_000, 60_001, true],
    // Never by less than the configured period.
    [1000, 14_000, false],
  ])('told %i ms, silent %i ms: overdue %s', (period, silent, want) => {
    const l = new LivenessLedger(0, 5000);
    l.seen('a', 1000, period);
    expect(l.overdue(['a'], 1000 + silent)).toEqual(want ? ['a'] : []);
  });

  it('a node never heard gets a full grace from the start', () => {
    const l = new LivenessLedger(1000, 5000);
    expect(l.overdue(['a'], 1000 + MISSED_PERIODS * 5000)).toEqual([]);
    expect(l.overdue(['a'], 1001 + MISSED_PERIODS * 5000)).toEqual(['a']);
  });

  it('time the manager could not listen is not held against any node, however it is cut up', () => {
    const l = new LivenessLedger(0, 5000);
    l.seen('a', 0, 5000);
    // 40 s of stalls in pieces, 10 s of listening: 10 s silent, within 15 s.
    for (let i = 0; i < 40; i++) l.deaf(1000);
    expect(l.silence('a', 50_000)).toBe(10_000);
    expect(l.overdue(['a'], 50_000)).toEqual([]);
    // Stalls before a node was last heard do not count for it.
    l.seen('b', 50_000, 5000);
    l.deaf(2000);
    expect(l.silence('b', 60_000)).toBe(8000);
    expect(l.overdue(['a', 'b'], 60_000)).toEqual(['a']);
  });

  it('a new leader restarts every grace, stalls before it forgotten', () => {
    const l = new LivenessLedger(0, 5000);
    l.seen('a', 0, 5000);
    l.deaf(3000);
    l.restart(100_000);
    expect(l.silence('a', 110_000)).toBe(10_000);
    expect(l.overdue(['a'], 115_001)).toEqual(['a']);
  });

  it('a mass silence in a large cluster is forgiven once, then believed', () => {
    const nodes = ids(20);
    const l = new LivenessLedger(0, 5000);
    for (const id of nodes) l.seen(id, 0, 5000);
    l.seen('n0', 14_000, 5000);
    // 19 of 20 silent: the manager's fault first.
    expect(l.overdue(nodes, 16_000)).toEqual([]);
    // Still silent a full grace later: down.
    l.seen('n0', 29_000, 5000);
    expect(l.overdue(nodes, 30_000)).toEqual([]);
    expect(l.overdue(nodes, 31_001)).toEqual(nodes.slice(1));
  });

  it('a mass silence that ended is forgiven again the next time', () => {
    const nodes = ids(20);
    const l = new LivenessLedger(0, 5000);
    for (const id of nodes) l.seen(id, 0, 5000);
    expect(l.overdue(nodes, 16_000)).toEqual([]);
    for (const id of nodes) l.seen(id, 17_000, 5000);
    expect(l.overdue(nodes, 40_000)).toEqual([]);
    expect(l.overdue(nodes, 56_000)).toEqual(nodes);
  });

  it('a few nodes gone in a large cluster, or any in a small one, are down at once', () => {
    const big = ids(20);
    const l = new LivenessLedger(0, 5000);
    for (const id of big) l.seen(id, 0, 5000);
    for (const id of big.slice(5)) l.seen(id, 15_000, 5000);
    expect(l.overdue(big, 16_000)).toEqual(big.slice(0, 5));
    const small = new LivenessLedger(0, 5000);
    small.seen('a', 0, 5000);
    small.seen('b', 0, 5000);
    expect(small.overdue(['a', 'b'], 16_000)).toEqual(['a', 'b']);
  });
});
