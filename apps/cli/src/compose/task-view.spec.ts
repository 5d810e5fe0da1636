import { describe, expect, it } from 'vitest';
import type { RestartCondition, Service, Task } from '@flotilla/contracts';
import type { StackState } from '../client/api-client';
import { convergence } from './task-view';

const template = (cond: RestartCondition) => ({ ContainerSpec: { Image: 'i' }, RestartPolicy: { Condition: cond } });
const svc = (cond: RestartCondition): Service =>
  ({ ID: 'job', Spec: { Name: 'p_job', Labels: { 'com.docker.compose.service': 'job' }, Mode: { Replicated: { Replicas: 1 } }, TaskTemplate: template(cond) } }) as unknown as Service;
const task = (cond: RestartCondition, over: Partial<Task> & { state: string; exit?: number; err?: string; id?: string; at?: string }): Task =>
  ({
    ID: over.id ?? 't1',
    ServiceID: 'job',
    Slot: 1,
    NodeID: 'n1',
    CreatedAt: over.at ?? '2026-01-01T00:00:00Z',
    DesiredState: over.DesiredState ?? 'running',
    Spec: template(cond),
    Status: { State: over.state, Err: over.err, ContainerStatus: over.exit === undefined ? undefined : { ContainerID: 'c', ExitCode: over.exit } },
  }) as unknown as Task;
const state = (cond: RestartCondition, tasks: Task[]): StackState => ({ name: 'p', services: [svc(cond)], tasks, networks: [], volumes: [] });

describe('convergence', () => {
  it('a restart:no job that ran and failed (exit 3), retired before any poll saw it run, is as far as it goes', () => {
    const c = convergence(state('none', [task('none', { state: 'failed', exit: 3, err: 'task: non-zero exit (3)', DesiredState: 'shutdown' })]));
    expect(c).toMatchObject({ done: true, failure: undefined });
  });

  it('the same job still wanted running (not yet retired) is done too, not a failure of up (1.29 does not fail for an exit)', () => {
    const c = convergence(state('none', [task('none', { state: 'failed', exit: 3, err: 'task: non-zero exit (3)' })]));
    expect(c).toMatchObject({ done: true, failure: undefined });
  });

  it('a job that will be restarted (restart: always) is not done until its next run', () => {
    const c = convergence(state('any', [task('any', { state: 'failed', exit: 3, err: 'task: non-zero exit (3)' })]));
    expect(c).toMatchObject({ done: false, failure: undefined });
  });

  it('on-failure: a clean exit is done, a failed one waits for the restart', () => {
    expect(convergence(state('on-failure', [task('on-failure', { state: 'complete', exit: 0, DesiredState: 'shutdown' })])).done).toBe(true);
    expect(convergence(state('on-failure', [task('on-failure', { state: 'failed', exit: 1, err: 'x' })])).done).toBe(false);
  });

  it('a container that never ran (rejected) fails up with its error', () => {
    const c = convergence(state('none', [task('none', { state: 'rejected', err: 'No such image: x' })]));
    expect(c).toMatchObject({ done: false, failure: { service: 'job', err: 'No such image: x' } });
  });

  it('a container that never ran in a slot scaled away (scale web=1 after the second found no port) fails nothing: it goes with its slot', () => {
    const running = task('none', { id: 'a', state: 'running' });
    const third = { ...task('none', { id: 'b', state: 'rejected', err: 'driver failed programming external connectivity: all ports are allocated' }), Slot: 2 };
    expect(convergence(state('none', [running, third]))).toMatchObject({ done: true, failure: undefined });
    // While its slot is still wanted, it fails `up` as before.
    const two = { ...svc('none'), Spec: { ...svc('none').Spec, Mode: { Replicated: { Replicas: 2 } } } } as Service;
    expect(convergence({ name: 'p', services: [two], tasks: [running, third], networks: [], volumes: [] }).failure?.err).toMatch(/all ports are allocated/);
  });

  it('a stopped task is not a run to its end: an older ended task does not count once a newer one holds the slot', () => {
    const old = task('none', { id: 'a', state: 'failed', exit: 3, DesiredState: 'shutdown' });
    const fresh = task('none', { id: 'b', state: 'starting', at: '2026-01-01T00:01:00Z' });
    expect(convergence(state('none', [old, fresh])).done).toBe(false);
    expect(convergence(state('none', [task('none', { state: 'shutdown', exit: 137, DesiredState: 'shutdown' })])).done).toBe(false);
  });
});
