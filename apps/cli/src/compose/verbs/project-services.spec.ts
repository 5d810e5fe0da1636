import { describe, expect, it } from 'vitest';
import type { Service, Task } from '@flotilla/contracts';
import type { StackState } from '../../client/api-client';
import { endedTasks } from './project-services';

const svc = (id: string, condition = 'none'): Service =>
  ({ ID: id, Spec: { Name: `p_${id}`, Mode: { Replicated: { Replicas: 2 } }, TaskTemplate: { ContainerSpec: { Image: 'i' }, RestartPolicy: { Condition: condition } } } }) as unknown as Service;
const task = (id: string, service: string, slot: number, state: string, desired = 'running', at = '2026-01-01T00:00:00Z'): Task =>
  ({
    ID: id,
    ServiceID: service,
    Slot: slot,
    NodeID: 'n1',
    CreatedAt: at,
    DesiredState: desired,
    Status: { State: state, ...(state === 'failed' ? { ContainerStatus: { ExitCode: 137 } } : state === 'complete' ? { ContainerStatus: { ExitCode: 0 } } : {}) },
  }) as unknown as Task;
const stack = (tasks: Task[]): StackState => ({ name: 'p', services: [svc('web'), svc('db')], tasks, networks: [], volumes: [] });

describe('endedTasks', () => {
  it('the current tasks of the service that ended while still wanted running (killed, exited)', () => {
    const st = stack([task('a', 'web', 1, 'failed'), task('b', 'web', 2, 'running'), task('c', 'db', 1, 'complete')]);
    expect(endedTasks(st, svc('web')).map((t) => t.ID)).toEqual(['a']);
    expect(endedTasks(st, svc('db')).map((t) => t.ID)).toEqual(['c']);
  });

  it('not a slot whose newest task runs, nor a task stopped on purpose', () => {
    const st = stack([
      task('old', 'web', 1, 'failed', 'shutdown', '2026-01-01T00:00:00Z'),
      task('new', 'web', 1, 'running', 'running', '2026-01-01T00:00:05Z'),
      task('stopped', 'web', 2, 'shutdown', 'shutdown'),
    ]);
    expect(endedTasks(st, svc('web'))).toEqual([]);
  });

  it('not one the restart policy replaces (restart: always waiting out its delay), nor one that never ran', () => {
    const st = stack([task('a', 'web', 1, 'failed'), task('b', 'web', 2, 'rejected')]);
    expect(endedTasks(st, svc('web', 'any'))).toEqual([]);
    expect(endedTasks(st, svc('web', 'none')).map((t) => t.ID)).toEqual(['a']);
  });
});
