import { describe, expect, it } from 'vitest';
import type { Service, Task } from '@flotilla/contracts';
import type { StateView } from '@flotilla/state';
import { withStatus } from './services.service';

const at = '2026-01-01T00:00:00.000Z';
const globalSvc = { ID: 's', Version: { Index: 1 }, CreatedAt: at, UpdatedAt: at, Spec: { Name: 's', TaskTemplate: { ContainerSpec: { Image: 'x' } }, Mode: { Global: {} } } } as Service;
const task = (id: string, desired: Task['DesiredState'], state: Task['Status']['State'], node: string) =>
  ({ ID: id, ServiceID: 's', NodeID: node, DesiredState: desired, Status: { State: state, Timestamp: at } }) as Task;

/** Just what withStatus reads of the store's view. */
const view = (tasks: Task[]) =>
  ({
    countsOfService: () => ({ running: tasks.filter((t) => t.DesiredState === 'running' && t.Status.State === 'running').length, complete: 0 }),
    tasksOfService: () => tasks,
  }) as unknown as StateView;

describe('withStatus: a global service', () => {
  it('counts a held stop-first replacement (desired ready) as desired, so an update is not converged while it waits', () => {
    // One node mid-update: its old task stops (desired shutdown), the new one is held.
    const tasks = [task('old', 'shutdown', 'running', 'n1'), task('new', 'ready', 'new', 'n1'), task('other', 'running', 'running', 'n2')];
    expect(withStatus(globalSvc, view(tasks)).ServiceStatus).toEqual({ RunningTasks: 1, DesiredTasks: 2, CompletedTasks: 0 });
  });
});
