import { describe, expect, it } from 'vitest';
import type { Task, TaskState } from '@flotilla/contracts';
import { affectsPlans, opensDependencyGate } from './plan-relevance';

const at = '2026-01-01T00:00:00.000Z';
const task = (state: TaskState, extra: Partial<Task> = {}): Task => ({
  ID: 't1',
  Version: { Index: 1 },
  CreatedAt: at,
  UpdatedAt: at,
  Spec: { ContainerSpec: { Image: 'x' } },
  ServiceID: 's1',
  Slot: 1,
  NodeID: 'n1',
  Status: { Timestamp: at, State: state, Message: '' },
  DesiredState: 'running',
  ...extra,
});
const ev = (before: Task | undefined, after: Task | undefined) => ({ index: 2, changes: [{ kind: 'task' as const, id: 't1', before, after }] });

describe('which changes can alter a plan', () => {
  it('progress a worker reports on the way to running does not', () => {
    expect(affectsPlans(ev(task('assigned'), task('accepted')))).toBe(false);
    expect(affectsPlans(ev(task('assigned'), task('preparing')))).toBe(false);
    expect(affectsPlans(ev(task('preparing'), task('starting')), () => false)).toBe(false);
  });

  it('running, every end state, a new or removed task, another node or desired state do', () => {
    expect(affectsPlans(ev(task('starting'), task('running')))).toBe(true);
    for (const s of ['failed', 'complete', 'shutdown', 'rejected', 'orphaned'] as TaskState[]) expect(affectsPlans(ev(task('running'), task(s)))).toBe(true);
    expect(affectsPlans(ev(undefined, task('new')))).toBe(true);
    expect(affectsPlans(ev(task('running'), undefined))).toBe(true);
    expect(affectsPlans(ev(task('running'), task('running', { DesiredState: 'shutdown' })))).toBe(true);
    expect(affectsPlans(ev(task('assigned'), task('assigned', { NodeID: 'n2' })))).toBe(true);
  });

  it('running only for a rolling update or a dependency; starting only for a dependency', () => {
    expect(affectsPlans(ev(task('starting'), task('running')), () => false)).toBe(false);
    expect(affectsPlans(ev(task('starting'), task('running')), (id) => id === 's1')).toBe(true);
    expect(affectsPlans(ev(task('preparing'), task('starting')), (id) => id === 's1')).toBe(false);
    expect(affectsPlans(ev(task('preparing'), task('starting')), () => false, (id) => id === 's1')).toBe(true);
    expect(affectsPlans(ev(task('starting'), task('running')), () => false, (id) => id === 's1')).toBe(true);
    expect(affectsPlans(ev(task('running'), task('failed')), () => false)).toBe(true);
  });

  it('anything that is not a task, and a state replaced by a snapshot, do', () => {
    expect(affectsPlans({ index: 3, changes: [{ kind: 'node', id: 'n1' }] })).toBe(true);
    expect(affectsPlans({ index: 3, changes: [] })).toBe(true);
  });
});

describe('which changes are planned at once for a depends_on gate', () => {
  const dep = (id: string) => id === 's1';
  it.each([
    ['starting', 'running', true],
    ['preparing', 'starting', true],
    ['running', 'complete', true],
    ['running', 'failed', true],
    ['assigned', 'preparing', false],
    ['running', 'running', false],
  ] as const)('%s → %s of a depended-on service: %s', (from, to, want) => {
    expect(opensDependencyGate(ev(task(from), task(to)), dep)).toBe(want);
  });
  it('never for a service nobody depends on, nor for a new or removed task', () => {
    expect(opensDependencyGate(ev(task('starting'), task('running')), () => false)).toBe(false);
    expect(opensDependencyGate(ev(undefined, task('running')), dep)).toBe(false);
    expect(opensDependencyGate({ index: 3, changes: [{ kind: 'node', id: 'n1' }] }, dep)).toBe(false);
  });
});
