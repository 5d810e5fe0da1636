import { describe, expect, it } from 'vitest';
import type { Task, TaskState } from '@flotilla/contracts';
import { retireEndedTasks } from './restart-ended';
import { reconcile } from './reconcile';
import { T0, iso, node, reconcileInput, service, task as slotTask } from './test-fixtures';

const task = (ID: string, state: TaskState, desired: TaskState = 'running', ServiceID = 's1') =>
  ({ ID, ServiceID, Slot: 1, DesiredState: desired, Status: { State: state }, Spec: {}, Version: { Index: 3 } }) as unknown as Task;

describe('retireEndedTasks', () => {
  const at = '2026-12-05T00:00:00Z';
  it.each<[string, Task, boolean]>([
    ['exited (complete), still wanted', task('a', 'complete'), true],
    ['failed (killed), still wanted', task('a', 'failed'), true],
    ['running', task('a', 'running'), false],
    ['starting', task('a', 'starting'), false],
    ['already retired', task('a', 'complete', 'shutdown'), false],
    ['of another service', task('a', 'failed', 'running', 's2'), false],
    ['not asked for', task('b', 'failed'), false],
  ])('%s', (_name, t, retired) => {
    const out = retireEndedTasks([t], new Set(['a']), new Set(['s1']), at);
    expect(out).toEqual(retired ? [{ ...t, DesiredState: 'shutdown', UpdatedAt: at }] : []);
  });

  it('retires only the ended ones of a service with some running', () => {
    const tasks = [task('a', 'running'), task('b', 'failed'), task('c', 'complete')];
    expect(retireEndedTasks(tasks, new Set(['a', 'b', 'c']), new Set(['s1']), at).map((t) => t.ID)).toEqual(['b', 'c']);
  });
});

describe('retireEndedTasks then reconcile (restart: none): only the ended slot gets a new task', () => {
  it.each<[string, number | 'global']>([
    ['replicated', 2],
    ['global', 'global'],
  ])('%s', (_name, mode) => {
    const s = service('s', mode, { RestartPolicy: { Condition: 'none' } });
    const running = slotTask(s, mode === 'global' ? 0 : 1, 'running', { node: 'a' });
    const ended = slotTask(s, mode === 'global' ? 0 : 2, 'failed', { node: mode === 'global' ? 'b' : 'a', exit: 137 });
    const nodes = [node('a'), node('b')];
    // Ended under restart: none, the slot stays as it is.
    const before = reconcile(reconcileInput([s], [running, ended], nodes, T0 + 1000));
    expect(before.create).toEqual([]);
    const retired = retireEndedTasks([running, ended], new Set([running.ID, ended.ID]), new Set(['s']), iso(T0 + 1000));
    expect(retired.map((t) => t.ID)).toEqual([ended.ID]);
    const plan = reconcile(reconcileInput([s], [running, ...retired], nodes, T0 + 2000));
    expect(plan.create).toHaveLength(1);
    if (mode === 'global') expect(plan.create[0].NodeID).toBe('b');
    else expect(plan.create[0].Slot).toBe(2);
    // The running task is left be.
    expect(plan.update.map((t) => t.ID)).not.toContain(running.ID);
    expect(plan.delete.map((t) => t.ID)).not.toContain(running.ID);
  });
});
