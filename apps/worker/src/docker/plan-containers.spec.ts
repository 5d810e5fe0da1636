import { describe, expect, it } from 'vitest';
import type { Task, TaskState } from '@flotilla/contracts';
import { planContainers, unhealthyReport, type ObservedContainer } from './plan-containers';
import { healthVerdict, parseHealth } from './docker.adapter';

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
const c = (taskId: string, state: ObservedContainer['state'], exitCode?: number, health?: ObservedContainer['health']): ObservedContainer => ({
  id: `c${taskId}`.padEnd(12, '0'),
  taskId,
  state,
  exitCode,
  ...(health ? { health } : {}),
});
const kinds = (a: ReturnType<typeof planContainers>) => a.map((x) => (x.kind === 'report' ? `report:${x.report.state}` : x.kind));

describe('planContainers', () => {
  it.each<[string, Task, ObservedContainer[], string[]]>([
    ['creates the container of a new assignment', task('a', 'assigned'), [], ['create']],
    ['recreates one lost between create steps', task('a', 'starting'), [], ['create']],
    ['adopts a running container after a restart', task('a', 'starting'), [c('a', 'running')], ['report:running']],
    ['does nothing for a task already running', task('a', 'running'), [c('a', 'running')], []],
    ['restates a running task whose container was paused', task('a', 'running'), [c('a', 'paused')], ['report:running']],
    ['does nothing for a paused task already reported paused', { ...task('a', 'running'), Status: { Timestamp: at, State: 'running', Message: '', ContainerStatus: { Paused: true } } }, [c('a', 'paused')], []],
    ['restates a paused task whose container was unpaused', { ...task('a', 'running'), Status: { Timestamp: at, State: 'running', Message: '', ContainerStatus: { Paused: true } } }, [c('a', 'running')], ['report:running']],
    ['starts a created-but-not-started container', task('a', 'starting'), [c('a', 'created')], ['start']],
    ['reports a clean exit as complete', task('a', 'running'), [c('a', 'exited', 0)], ['report:complete']],
    ['reports a crash as failed', task('a', 'running'), [c('a', 'exited', 2)], ['report:failed']],
    ['reports a running task whose container vanished as failed', task('a', 'running'), [], ['report:failed']],
    ['stops a task desired shutdown', task('a', 'running', 'shutdown'), [c('a', 'running')], ['stop']],
    ['stops and removes a task desired remove', task('a', 'running', 'remove'), [c('a', 'running')], ['stop']],
    ['reports shutdown for a desired-shutdown task without container', task('a', 'assigned', 'shutdown'), [], ['report:shutdown']],
    ['leaves terminal tasks to the orchestrator', task('a', 'failed'), [c('a', 'exited', 1)], []],
    ['keeps a task whose healthcheck has not passed yet starting', task('a', 'ready'), [c('a', 'running', undefined, 'starting')], ['report:starting']],
    ['says nothing more while the first probe is pending', task('a', 'starting'), [c('a', 'running', undefined, 'starting')], []],
    ['reports running at the first healthy probe', task('a', 'starting'), [c('a', 'running', undefined, 'healthy')], ['report:running']],
    ['stops a container that turned unhealthy while starting', task('a', 'starting'), [c('a', 'running', undefined, 'unhealthy')], ['stop-unhealthy']],
    ['stops a running container that turned unhealthy', task('a', 'running'), [c('a', 'running', undefined, 'unhealthy')], ['stop-unhealthy']],
    ['leaves an unhealthy container of a task being shut down to the stop', task('a', 'running', 'shutdown'), [c('a', 'running', undefined, 'unhealthy')], ['stop']],
  ])('%s', (_name, t, observed, expected) => {
    expect(kinds(planContainers([t], observed))).toEqual(expected);
  });

  describe('a start or restart in place of a task container (compose restart through the relay)', () => {
    const ran = (t: Task): Task => ({ ...t, Status: { ...t.Status, ContainerStatus: { ContainerID: c('a', 'exited').id, ExitCode: 137 } } });
    const restarts = (phase: 'restarting' | 'restarted', containerId = c('a', 'running').id) => new Map([['a', { containerId, phase }]]);
    it.each<[string, Task, ObservedContainer[], ReturnType<typeof restarts>, string[]]>([
      ['a running task whose container the engine is stopping to start again: not its end', task('a', 'running'), [c('a', 'exited', 137)], restarts('restarting'), []],
      ['the same without the restart: its end', task('a', 'running'), [c('a', 'exited', 137)], new Map(), ['report:failed']],
      ['a restart of another container (a replacement) holds nothing back', task('a', 'running'), [c('a', 'exited', 137)], restarts('restarting', 'other0000000'), ['report:failed']],
      ['started again: the task says it runs, restarted', task('a', 'running'), [c('a', 'running')], restarts('restarted'), ['report:running']],
      ['an ended task whose container was started again in place runs again', ran(task('a', 'failed')), [c('a', 'running')], restarts('restarted'), ['report:running']],
      ['...starting, while a healthcheck has not passed', ran(task('a', 'complete')), [c('a', 'running', undefined, 'starting')], restarts('restarted'), ['report:starting']],
      ['an ended task is left ended while its container is still being restarted', ran(task('a', 'failed')), [c('a', 'exited', 137)], restarts('restarting'), []],
      ['started again but died at once: its end is reported', task('a', 'running'), [c('a', 'exited', 1)], restarts('restarted'), ['report:failed']],
      ['an ended task whose restarted container died at once stays ended', ran(task('a', 'failed')), [c('a', 'exited', 1)], restarts('restarted'), []],
      ['a task being shut down is stopped, whatever restarted it', task('a', 'running', 'shutdown'), [c('a', 'running')], restarts('restarted'), ['stop']],
    ])('%s', (_name, t, observed, r, expected) => {
      expect(kinds(planContainers([t], observed, r))).toEqual(expected);
    });

    it('a container restarted in place says the port of its host range it got now (the engine may pick another)', () => {
      const range = { Protocol: 'tcp' as const, TargetPort: 80, PublishedPort: 18000, PublishedPortEnd: 18001, PublishMode: 'host' as const };
      const bound = { ...c('a', 'running'), ports: [{ target: 80, protocol: 'tcp', hostPort: 18001, hostIp: '0.0.0.0' }] };
      const [a] = planContainers([task('a', 'running')], [bound], restarts('restarted'), (sid) => (sid === 's' ? [range] : []));
      expect(a).toMatchObject({ kind: 'report', report: { restarted: true, ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 18001, PublishMode: 'host' }] } });
      // Without a range, nothing about ports.
      const [b] = planContainers([task('a', 'running')], [bound], restarts('restarted'));
      expect(b.kind === 'report' && b.report.ports).toBeFalsy();
    });

    it('the report names the container and says it was restarted, for the manager to take it back from its end', () => {
      const [a] = planContainers([ran(task('a', 'failed'))], [c('a', 'running', undefined, 'healthy')], restarts('restarted'));
      expect(a).toEqual({ kind: 'report', report: { taskId: 'a', state: 'running', message: 'started', containerId: c('a', 'running').id, restarted: true, health: 'healthy' } });
    });
  });

  it('leaves a held task (desired ready: a stop-first replacement) uncreated until it is to run', () => {
    expect(planContainers([task('t1', 'assigned', 'ready')], [])).toEqual([]);
    expect(kinds(planContainers([task('t1', 'assigned', 'running')], []))).toEqual(['create']);
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

describe('parseHealth', () => {
  it.each([
    ['Up 3 seconds (health: starting)', 'starting'],
    ['Up 10 seconds (healthy)', 'healthy'],
    ['Up 2 minutes (unhealthy)', 'unhealthy'],
    ['Up 2 minutes', undefined],
    ['Exited (0) 3 seconds ago', undefined],
  ])('%s', (status, expected) => {
    expect(parseHealth(status)).toBe(expected);
  });
});

describe('healthVerdict', () => {
  it('takes an unhealthy mark without a failed probe (a pause, until the next probe) as no verdict yet', () => {
    expect(healthVerdict('unhealthy', 0)).toBe('starting');
  });
  it('keeps a verdict a failing streak stands behind, and anything else as listed', () => {
    expect(healthVerdict('unhealthy', 3)).toBe('unhealthy');
    expect(healthVerdict('unhealthy', undefined)).toBe('unhealthy');
    expect(healthVerdict('healthy', 0)).toBe('healthy');
    expect(healthVerdict(undefined, undefined)).toBeUndefined();
  });
});

describe('unhealthyReport', () => {
  it('fails the task with the words Docker prints when the stopped container exits non-zero', () => {
    expect(unhealthyReport('t', 'c', 137)).toMatchObject({ state: 'failed', err: 'task: non-zero exit (137): dockerexec: unhealthy container', exitCode: 137 });
  });
  it('completes it when the container exits 0 on SIGTERM (as swarmkit does)', () => {
    expect(unhealthyReport('t', 'c', 0)).toMatchObject({ state: 'complete', exitCode: 0 });
    expect(unhealthyReport('t', 'c', 0).err).toBeUndefined();
  });
});
