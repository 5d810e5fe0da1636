import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AssignmentSet, Task } from '@flotilla/contracts';
import { StateMachine, del, put, type Op } from '@flotilla/state';
import { mergeAssignments } from '../../../worker/src/agent/merge-assignments';
import { AssignmentLog, changedSince, splitChanges, statusOnly, statusPatch } from './assignment-log';

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

const at = '2026-01-01T00:00:00.000Z';
const full = (id: string, nodeId: string, image: string): Task => ({
  ID: id,
  Version: { Index: 0 },
  CreatedAt: at,
  UpdatedAt: at,
  Spec: { ContainerSpec: { Image: image } },
  ServiceID: 's1',
  Slot: 1,
  NodeID: nodeId,
  Status: { Timestamp: at, State: 'assigned', Message: '' },
  DesiredState: 'running',
});

describe('statusOnly / splitChanges', () => {
  it('a report changes the status only; a new spec, node or desired state is a body change', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('task', full('a', 'n1', 'x'), null)] });
    const b = m.tasks.get('a')!;
    m.apply(2, { ops: [{ op: 'taskStatus', nodeId: 'n1', report: { taskId: 'a', state: 'running', message: 'started' }, at }] });
    const a = m.tasks.get('a')!;
    expect(statusOnly(b, a)).toBe(true);
    expect(statusOnly(a, { ...a, DesiredState: 'shutdown' })).toBe(false);
    expect(statusOnly(a, { ...a, NodeID: 'n2' })).toBe(false);
    expect(statusOnly(a, { ...a, Spec: { ContainerSpec: { Image: 'y' } } })).toBe(false);
    expect(statusOnly(a, { ...a, Annotations: { Name: 'x' } } as Task)).toBe(false);
    const log = new AssignmentLog(0);
    log.observe({ index: 2, changes: [{ kind: 'task', id: 'a', before: b, after: a }] });
    expect(log.bodyChangedAt(a)).toBe(1);
    expect(splitChanges([a], 1, (t) => log.bodyChangedAt(t))).toEqual({ whole: [], statuses: [a] });
    expect(splitChanges([a], 0, (t) => log.bodyChangedAt(t))).toEqual({ whole: [a], statuses: [] });
    expect(splitChanges([a], 2, (t) => log.bodyChangedAt(t))).toEqual({ whole: [], statuses: [] });
    // A version this log did not see is told by its own index; a body change after the report is the body's.
    expect(log.bodyChangedAt({ ...a, Version: { Index: 7 } })).toBe(7);
    const respec = { ...a, Version: { Index: 3 }, Spec: { ContainerSpec: { Image: 'y' } } };
    log.observe({ index: 3, changes: [{ kind: 'task', id: 'a', before: a, after: respec }] });
    expect(log.bodyChangedAt(respec)).toBe(3);
  });

  it('a node holding its set at any index, given the delta from there, holds exactly the current set', () => {
    const step = fc.record({
      kind: fc.constantFrom('create', 'report', 'respec', 'move', 'delete', 'stop'),
      task: fc.integer({ min: 0, max: 6 }),
      node: fc.constantFrom('n1', 'n2'),
      state: fc.constantFrom<Task['Status']['State']>('preparing', 'running', 'failed', 'shutdown'),
      image: fc.constantFrom('x', 'y'),
      hold: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const m = new StateMachine();
        const log = new AssignmentLog(0);
        const held: AssignmentSet[] = [];
        const wire = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
        const snapshot = () => wire<AssignmentSet>({ nodeId: 'n1', index: m.index, tasks: m.tasksOfNode('n1'), networks: [], volumes: [], endpoints: [] });
        let i = 1;
        for (const s of steps) {
          const id = `t${s.task}`;
          const cur = m.tasks.get(id);
          let op: Op;
          if (s.kind === 'create' || !cur) op = put('task', full(id, s.node, s.image));
          else if (s.kind === 'report') op = { op: 'taskStatus', nodeId: cur.NodeID!, report: { taskId: id, state: s.state, message: s.state }, at };
          else if (s.kind === 'respec') op = put('task', { ...cur, Spec: { ContainerSpec: { Image: s.image } } });
          else if (s.kind === 'move') op = put('task', { ...cur, NodeID: s.node });
          else if (s.kind === 'stop') op = put('task', { ...cur, DesiredState: 'shutdown' });
          else op = del('task', id);
          const out = m.apply(i++, { ops: [op] });
          // As the store: only events that changed something reach watchers (an empty one is a snapshot).
          if (out.ok && out.event.changes.length > 0) log.observe(out.event);
          if (s.hold) held.push(snapshot());
        }
        const now = snapshot();
        for (const h of held) {
          const tasks = m.tasksOfNode('n1');
          const { whole, statuses } = splitChanges(tasks, h.index, (t) => log.bodyChangedAt(t));
          const delta = wire<AssignmentSet>({ ...now, since: h.index, tasks: whole, statuses: statuses.map(statusPatch), removed: log.removedSince('n1', h.index) });
          const merged = mergeAssignments(h, delta)!;
          const byId = (xs: Task[]) => [...xs].sort((a, b) => a.ID.localeCompare(b.ID));
          expect(byId(merged.tasks)).toEqual(byId(now.tasks));
        }
      }),
      { numRuns: 300 },
    );
  });
});
