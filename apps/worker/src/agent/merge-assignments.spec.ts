import { describe, expect, it } from 'vitest';
import type { AssignmentSet, Task } from '@flotilla/contracts';
import { mergeAssignments } from './merge-assignments';

const t = (id: string, v: number) => ({ ID: id, Version: { Index: v } }) as unknown as Task;
const set = (index: number, tasks: Task[], extra: Partial<AssignmentSet> = {}): AssignmentSet => ({ nodeId: 'n1', index, tasks, networks: [], volumes: [], endpoints: [], ...extra });

describe('mergeAssignments', () => {
  const held = set(10, [t('a', 3), t('b', 4), t('c', 5)]);

  it('a full set replaces what is held', () => {
    const full = set(20, [t('x', 20)]);
    expect(mergeAssignments(held, full)).toBe(full);
  });

  it('a delta from the held index: changed replaced, new added, removed dropped, the rest whole', () => {
    const delta = set(12, [t('b', 11), t('d', 12)], { since: 10, removed: ['c'], managers: ['m:2377'] });
    const m = mergeAssignments(held, delta)!;
    expect(m.index).toBe(12);
    expect(m.tasks.map((x) => `${x.ID}@${x.Version.Index}`).sort()).toEqual(['a@3', 'b@11', 'd@12']);
    expect(m.managers).toEqual(['m:2377']);
    expect(m).not.toHaveProperty('since');
    expect(m).not.toHaveProperty('removed');
  });

  it('status patches update held tasks in place of whole copies; a patch for a task not held means a full fetch', () => {
    const running = { Timestamp: 'now', State: 'running', Message: 'started' } as Task['Status'];
    const delta = set(12, [], { since: 10, statuses: [{ ID: 'a', Version: { Index: 12 }, UpdatedAt: 'now', Status: running }] });
    const m = mergeAssignments(held, delta)!;
    const a = m.tasks.find((x) => x.ID === 'a')!;
    expect(a.Version.Index).toBe(12);
    expect(a.Status).toEqual(running);
    expect(m).not.toHaveProperty('statuses');
    expect(mergeAssignments(held, set(12, [], { since: 10, statuses: [{ ID: 'zz', Version: { Index: 12 }, UpdatedAt: 'now', Status: running }] }))).toBeUndefined();
  });

  it('a delta from another index, another node, or with nothing held: undefined (fetch the full set)', () => {
    expect(mergeAssignments(held, set(12, [], { since: 9 }))).toBeUndefined();
    expect(mergeAssignments(undefined, set(12, [], { since: 10 }))).toBeUndefined();
    expect(mergeAssignments(held, { ...set(12, [], { since: 10 }), nodeId: 'n2' })).toBeUndefined();
  });
});
