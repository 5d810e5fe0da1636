import { describe, expect, it } from 'vitest';
import type { TaskReport, TaskState } from '@flotilla/contracts';
import { timeTaskStarts } from './task-start-timer';

const r = (taskId: string, state: TaskState): TaskReport => ({ taskId, state, message: state });

describe('timeTaskStarts', () => {
  it.each<[string, [string, TaskState, number][], number[]]>([
    ['preparing to running', [['t', 'preparing', 100], ['t', 'ready', 150], ['t', 'running', 400]], [0.3]],
    ['a healthcheck gates it: stops at starting', [['t', 'preparing', 0], ['t', 'ready', 10], ['t', 'starting', 50], ['t', 'running', 900]], [0.05]],
    ['a restart of an existing container is not timed', [['t', 'starting', 0], ['t', 'running', 10]], []],
    ['a task rejected while preparing is not timed', [['t', 'preparing', 0], ['t', 'rejected', 10], ['t', 'running', 20]], []],
    ['a repeated preparing keeps the first time', [['t', 'preparing', 0], ['t', 'preparing', 500], ['t', 'running', 1000]], [1]],
    ['tasks apart', [['a', 'preparing', 0], ['b', 'preparing', 100], ['b', 'running', 150], ['a', 'running', 1000]], [0.05, 1]],
  ])('%s', (_name, steps, want) => {
    let clock = 0;
    const passed: TaskReport[] = [];
    const seen: number[] = [];
    const report = timeTaskStarts((x) => passed.push(x), () => clock, (s) => seen.push(s));
    for (const [id, state, at] of steps) {
      clock = at;
      report(r(id, state));
    }
    expect(seen).toEqual(want);
    // Every report reaches the manager unchanged.
    expect(passed.map((x) => [x.taskId, x.state])).toEqual(steps.map(([id, state]) => [id, state]));
  });
});
