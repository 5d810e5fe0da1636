import { describe, expect, it } from 'vitest';
import type { Service, Task, TaskState } from '@flotilla/contracts';
import type { StackState } from '../../client/api-client';
import { abortExitCode, allEnded, attachedContainers, newExits, watchCurrent, type AttachedContainer, type Exit } from './exits';

const service = (id: string, name: string, restart: 'none' | 'on-failure' | 'any' = 'any') =>
  ({ ID: id, Spec: { Name: `p_${name}`, Labels: { 'com.docker.compose.service': name }, TaskTemplate: { ContainerSpec: { Image: 'x' }, RestartPolicy: { Condition: restart } }, Mode: { Replicated: { Replicas: 1 } } } }) as unknown as Service;
const task = (id: string, svc: string, slot: number, state: TaskState, created: string, exit?: number) =>
  ({
    ID: id,
    ServiceID: svc,
    Slot: slot,
    CreatedAt: created,
    DesiredState: 'running',
    Spec: { ContainerSpec: { Image: 'x' } },
    Status: { Timestamp: '', Message: '', State: state, ContainerStatus: { ContainerID: `c${id}`, ...(exit !== undefined ? { ExitCode: exit } : {}) } },
  }) as unknown as Task;
const stack = (services: Service[], tasks: Task[]): StackState => ({ name: 'p', services, tasks, networks: [], volumes: [] });

describe('the containers up attaches to and their exits', () => {
  const web = service('s1', 'web');
  const job = service('s2', 'job', 'none');

  it('attaches to the current task of each slot, in the order of the services asked for', () => {
    const s = stack([web, job], [task('j1', 's2', 1, 'running', '1'), task('w1', 's1', 1, 'failed', '1', 1), task('w2', 's1', 1, 'running', '2')]);
    expect(attachedContainers('p', s, ['web', 'job']).map((c) => [c.taskId, c.name, c.shortName])).toEqual([
      ['w2', 'p_web_1', 'web_1'],
      ['j1', 'p_job_1', 'job_1'],
    ]);
  });

  it("a container_name is the container's name and its log prefix, as 1.29's", () => {
    const named = { ...task('d1', 's1', 1, 'running', '1'), Spec: { ContainerSpec: { Image: 'x', ContainerName: 'store' } } } as Task;
    expect(attachedContainers('p', stack([web], [named]), ['web']).map((c) => [c.name, c.shortName])).toEqual([['store', 'store']]);
  });

  it('reports an exit once, also for a task the orchestrator already replaced', () => {
    const watch = new Map<string, AttachedContainer>();
    const reported = new Set<string>();
    watchCurrent('p', stack([web], [task('w1', 's1', 1, 'running', '1')]), ['web'], watch);
    const after = stack([web], [task('w1', 's1', 1, 'failed', '1', 3), task('w2', 's1', 1, 'running', '2')]);
    watchCurrent('p', after, ['web'], watch);
    expect(newExits(after, watch, reported).map((e) => [e.container.name, e.code])).toEqual([['p_web_1', 3]]);
    expect(newExits(after, watch, reported)).toEqual([]);
  });

  it('ignores tasks it never watched (history from an earlier up)', () => {
    const watch = new Map<string, AttachedContainer>();
    const s = stack([web], [task('old', 's1', 1, 'failed', '0', 1), task('w1', 's1', 1, 'running', '1')]);
    watchCurrent('p', s, ['web'], watch);
    expect(newExits(s, watch, new Set())).toEqual([]);
  });

  it.each<[string, Service, TaskState, number, boolean]>([
    ['a finished job with restart: no', job, 'complete', 0, true],
    ['a failed job with restart: no', job, 'failed', 3, true],
    ['a service Swarm will restart', web, 'failed', 3, false],
    ['a running one', job, 'running', 0, false],
    ['on-failure after exit 0', service('s3', 'x', 'on-failure'), 'complete', 0, true],
    ['on-failure after exit 1', service('s3', 'x', 'on-failure'), 'failed', 1, false],
  ])('all ended: %s -> %s', (_n, svc, state, code, want) => {
    const s = stack([svc], [task('t1', svc.ID, 1, state, '1', code)]);
    const watch = new Map([['t1', { taskId: 't1', service: 'x', shortName: 'x_1', name: 'p_x_1' }]]);
    expect(allEnded(s, watch)).toBe(want);
  });

  const exit = (service: string, code: number): Exit => ({ container: { taskId: service, service, shortName: `${service}_1`, name: `p_${service}_1` }, code });
  it.each<[string, Exit, Exit[], string | undefined, number]>([
    ['the code of the container that ended first', exit('job', 3), [exit('job', 3), exit('web', 0)], undefined, 3],
    ['--exit-code-from the one that ended', exit('job', 0), [exit('job', 0), exit('web', 137)], 'job', 0],
    ['--exit-code-from one stopped after', exit('job', 0), [exit('job', 0), exit('web', 143)], 'web', 143],
    ['--exit-code-from a service with no container', exit('job', 3), [exit('job', 3)], 'web', 2],
  ])('exit status: %s', (_n, first, all, from, want) => {
    expect(abortExitCode(first, all, from)).toBe(want);
  });
});
