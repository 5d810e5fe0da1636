import { describe, expect, it } from 'vitest';
import type { Task } from '@flotilla/contracts';
import { AssignmentLog, changedSince } from './assignment-log';

const task = (id: string, nodeId: string, index: number) => ({ ID: id, NodeID: nodeId, Version: { Index: index } }) as unknown as Task;
const change = (index: number, before?: Task, after?: Task) => ({ index, changes: [{ kind: 'task' as const, id: (before ?? after)!.ID, before, after }] });

describe('AssignmentLog', () => {
  it('names the tasks that left a node after an index: deleted, or moved to another node', () => {
    const log = new AssignmentLog(10);
    log.observe(change(11, task('a', 'n1', 5), undefined));
    log.observe(change(12, task('b', 'n1', 6), task('b', 'n2', 12)));
    log.observe(change(13, task('c', 'n1', 7), task('c', 'n1', 13))); // changed, still there
    log.observe(change(14, undefined, task('d', 'n1', 14))); // new
    expect(log.removedSince('n1', 10).sort()).toEqual(['a', 'b']);
    expect(log.removedSince('n1', 11)).toEqual(['b']);
    expect(log.removedSince('n1', 12)).toEqual([]);
    expect(log.removedSince('n2', 10)).toEqual([]);
  });

  it('covers a node only from the index it started at, up to now', () => {
    const log = new AssignmentLog(10);
    expect(log.covers('n1', 9, 20)).toBe(false);
    expect(log.covers('n1', 10, 20)).toBe(true);
    expect(log.covers('n1', 20, 20)).toBe(true);
    expect(log.covers('n1', 21, 20)).toBe(false); // from another manager's future: start over
    expect(log.covers('n1', Number.NaN, 20)).toBe(false);
  });

  it('a snapshot installed makes every earlier index a full resync', () => {
    const log = new AssignmentLog(10);
    log.observe(change(11, task('a', 'n1', 5), undefined));
    log.observe({ index: 50, changes: [] });
    expect(log.covers('n1', 20, 60)).toBe(false);
    expect(log.covers('n1', 50, 60)).toBe(true);
    expect(log.removedSince('n1', 0)).toEqual([]);
  });

  it('a node far behind (its removals trimmed) gets its full set', () => {
    const log = new AssignmentLog(0);
    for (let i = 1; i <= 5_001; i++) log.observe(change(i, task(`t${i}`, 'n1', i), undefined));
    expect(log.covers('n1', 0, 5_001)).toBe(false);
    expect(log.covers('n1', 1, 5_001)).toBe(true);
    expect(log.removedSince('n1', 1)).toHaveLength(5_000);
    expect(log.covers('n2', 0, 5_001)).toBe(true);
  });
});

describe('changedSince', () => {
  it('keeps tasks written after the index', () => {
    expect(changedSince([task('a', 'n', 3), task('b', 'n', 7)], 5).map((t) => t.ID)).toEqual(['b']);
  });
});
