import { describe, expect, it } from 'vitest';
import type { Task, TaskState } from '@flotilla/contracts';
import { retireEndedTasks } from './restart-ended';

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
