import { describe, expect, it } from 'vitest';
import type { Task, TaskState } from '@flotilla/contracts';
import { planContainers, type ObservedContainer } from './plan-containers';

const at = '2026-01-01T00:00:00.000Z';
function task(id: string, state: TaskState, desired: TaskState = 'running'): Task {
  return {
    ID: id,
    Version: { Index: 1 },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: { ContainerSpec: { Image: 'img' } },
    ServiceID: 's',
    Slot: 1,
    NodeID: 'n',
    Status: { Timestamp: at, State: state, Message: '' },
    DesiredState: desired,
  };
}
const c = (taskId: string, state: ObservedContainer['state'], exitCode?: number): ObservedContainer => ({
  id: `c${taskId}`.padEnd(12, '0'),
  taskId,
  state,
  exitCode,
});
const kinds = (a: ReturnType<typeof planContainers>) => a.map((x) => (x.kind === 'report' ? `report:${x.report.state}` : x.kind));

describe('planContainers', () => {
  it.each<[string, Task, ObservedContainer[], string[]]>([
    ['creates the container of a new assignment', task('a', 'assigned'), [], ['create']],
    ['recreates one lost between create steps', task('a', 'starting'), [], ['create']],
    ['adopts a running container after a restart', task('a', 'starting'), [c('a', 'running')], ['report:running']],
    ['does nothing for a task already running', task('a', 'running'), [c('a', 'running')], []],
    ['starts a created-but-not-started container', task('a', 'starting'), [c('a', 'created')], ['start']],
    ['reports a clean exit as complete', task('a', 'running'), [c('a', 'exited', 0)], ['report:complete']],
    ['reports a crash as failed', task('a', 'running'), [c('a', 'exited', 2)], ['report:failed']],
    ['reports a running task whose container vanished as failed', task('a', 'running'), [], ['report:failed']],
    ['stops a task desired shutdown', task('a', 'running', 'shutdown'), [c('a', 'running')], ['stop']],
    ['stops and removes a task desired remove', task('a', 'running', 'remove'), [c('a', 'running')], ['stop']],
    ['reports shutdown for a desired-shutdown task without container', task('a', 'assigned', 'shutdown'), [], ['report:shutdown']],
    ['leaves terminal tasks to the orchestrator', task('a', 'failed'), [c('a', 'exited', 1)], []],
  ])('%s', (_name, t, observed, expected) => {
    expect(kinds(planContainers([t], observed))).toEqual(expected);
  });

  it('removes containers of tasks no longer assigned, and duplicates', () => {
    const plan = planContainers([task('a', 'running')], [c('a', 'running'), { ...c('a', 'running'), id: 'dup000000000' }, c('z', 'running')]);
    expect(plan.filter((x) => x.kind === 'remove').map((x) => (x as { containerId: string }).containerId).sort()).toEqual([
      'cz0000000000',
      'dup000000000',
    ]);
  });

  it('is idempotent: the same inputs give the same actions', () => {
    const tasks = [task('a', 'assigned'), task('b', 'running', 'shutdown')];
    const obs = [c('b', 'running')];
    expect(planContainers(tasks, obs)).toEqual(planContainers(tasks, obs));
  });
});
