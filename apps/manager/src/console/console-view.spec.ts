import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Service, Task } from '@flotilla/contracts';
import type { StateView } from '@flotilla/state';
import { consoleView, ENDED_PER_SERVICE } from './console-view';
import { AT, node, rep, service, task, viewOf } from './test-fixtures';

describe('consoleView: REPLICAS as `docker service ls` prints it', () => {
  const web = service('web', rep(3));
  const big = service('big', rep(5));
  const down = service('down', rep(2));
  const glob = service('glob', { Global: {} });
  const job = service('job', { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 2 } }, {});
  const cases: [string, Service, Task[], string][] = [
    ['every replica running', web, [1, 2, 3].map((i) => task(web, i, 'running'))],
    ['two still starting', big, [task(big, 1, 'running'), task(big, 2, 'running'), task(big, 3, 'running'), task(big, 4, 'preparing'), task(big, 5, 'pending')]],
    ['a task being stopped (scale down) does not count', down, [task(down, 1, 'running'), task(down, 2, 'running'), task(down, 3, 'running', 'shutdown')]],
    ['global: one per node that should run', glob, [task(glob, 0, 'running'), task(glob, 0, 'starting'), task(glob, 0, 'complete', 'shutdown')]],
    ['a replicated job: its completions', { ...job, JobStatus: { JobIteration: { Index: 1 }, LastExecution: AT } } as Service, [
      task(job, 0, 'complete', 'complete', { JobIteration: { Index: 1 } }),
      task(job, 0, 'running', 'complete', { JobIteration: { Index: 1 } }),
    ]],
  ].map(([what, s, ts], i) => [what as string, s as Service, ts as Task[], ['3/3', '3/5', '2/2', '1/2', '1/1 (1/2 completed)'][i]]);

  it.each(cases)('%s', (_what, s, tasks, replicas) => {
    const v = consoleView(viewOf([s], tasks), []);
    expect(v.services.map((r) => r.replicas)).toEqual([replicas]);
  });
});

describe('consoleView: rows', () => {
  it('services: name, mode, image without digest, ports as service ls, update state, stack', () => {
    const s: Service = {
      ...service('st_web', rep(1), { Labels: { 'com.docker.stack.namespace': 'st' } }),
      Endpoint: { Spec: {}, Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' }] },
      UpdateStatus: { State: 'updating', StartedAt: AT, Message: 'update in progress' },
    } as Service;
    const v = consoleView(viewOf([s, service('alone', rep(0))], []), []);
    expect(v.services).toEqual([
      { id: 'alone', name: 'alone', mode: 'replicated', replicas: '0/0', running: 0, desired: 0, image: 'flotilla/busybox:latest', ports: '', update: '', stack: '' },
      { id: 'st_web', name: 'st_web', mode: 'replicated', replicas: '0/1', running: 0, desired: 1, image: 'flotilla/busybox:latest', ports: '*:8080->80/tcp', update: 'updating', stack: 'st' },
    ]);
    expect(v.stacks).toEqual([{ name: 'st', services: 1 }]);
  });

  it('nodes: as node ls (hostname order, Leader / Reachable), with engine and resources', () => {
    const lead = node('m1', 'b-host', { Spec: { Labels: {}, Role: 'manager', Availability: 'active' }, ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: 'x' } });
    const other = node('m2', 'a-host', { Spec: { Labels: {}, Role: 'manager', Availability: 'drain' }, ManagerStatus: { Reachability: 'unreachable', Addr: 'y' }, Status: { State: 'down', Addr: '10.0.0.2' } });
    const v = consoleView(viewOf([], []), [lead, other, node('w1', 'c-host')]);
    expect(v.nodes.map((n) => [n.hostname, n.role, n.leader, n.manager, n.status, n.availability])).toEqual([
      ['a-host', 'manager', false, 'Unreachable', 'down', 'drain'],
      ['b-host', 'manager', true, 'Leader', 'ready', 'active'],
      ['c-host', 'worker', false, '', 'ready', 'active'],
    ]);
    expect(v.nodes[0]).toMatchObject({ engine: '20.10.24', cpus: 2, memoryBytes: 4 << 30, addr: '10.0.0.2' });
  });

  it('tasks: the current ones by slot, then the latest ended ones (with their errors), no older history', () => {
    const s = service('web', rep(2));
    const ended = Array.from({ length: ENDED_PER_SERVICE + 3 }, () => task(s, 1, 'failed', 'shutdown', { Status: { State: 'failed', Message: 'x', Err: 'boom', Timestamp: AT } }));
    ended[0].Status.Timestamp = '2026-01-02T00:00:00.000Z';
    const live = [task(s, 2, 'running', 'running', { Status: { State: 'running', Message: 'x', Timestamp: AT, ContainerStatus: { Health: 'healthy' } } }), task(s, 1, 'starting')];
    const v = consoleView(viewOf([s], [...ended, ...live]), []);
    expect(v.tasks.slice(0, 2).map((t) => [t.name, t.state, t.health])).toEqual([
      ['web.1', 'starting', ''],
      ['web.2', 'running', 'healthy'],
    ]);
    expect(v.tasks.slice(2)).toHaveLength(ENDED_PER_SERVICE);
    expect(v.tasks[2]).toMatchObject({ id: ended[0].ID, state: 'failed', desired: 'shutdown', error: 'boom' });
  });

  it('networks, secrets and configs: names only, sorted', () => {
    const named = (name: string) => ({ ID: name, Version: { Index: 1 }, CreatedAt: AT, UpdatedAt: AT, Spec: { Name: name, Data: 'c2VjcmV0' } });
    const v = consoleView(
      viewOf([], [], {
        networks: new Map([['n2', named('zeta')], ['n1', named('alpha')]]) as unknown as StateView['networks'],
        secrets: new Map([['s', named('db_password')]]) as unknown as StateView['secrets'],
        configs: new Map([['c', named('nginx_conf')]]) as unknown as StateView['configs'],
      }),
      [],
    );
    expect([v.networks, v.secrets, v.configs]).toEqual([['alpha', 'zeta'], ['db_password'], ['nginx_conf']]);
    expect(JSON.stringify(v)).not.toContain('c2VjcmV0');
  });
});

/** `docker service ls` on a real swarm (test/console/docker-reference.json): the REPLICAS column per service. */
function dockerReplicas(): Map<string, string> {
  const ref = JSON.parse(readFileSync(join(__dirname, '../../../../test/console/docker-reference.json'), 'utf8')) as { commands: Record<string, unknown> };
  const key = Object.keys(ref.commands).find((k) => k.startsWith('docker service ls (web 5/5'))!;
  const lines = ref.commands[key] as string[];
  const at = lines[0].indexOf('REPLICAS');
  const imageAt = lines[0].indexOf('IMAGE');
  return new Map(lines.slice(1).map((l) => [l.split(/\s+/)[1], l.slice(at, imageAt).trim()]));
}

describe('consoleView: the same situations as recorded from Docker', () => {
  const docker = dockerReplicas();
  it('web at 5/5, a replicated job between its two runs, a global service still starting', () => {
    const web = service('web', rep(5));
    const job = { ...service('job', { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 2 } }), JobStatus: { JobIteration: { Index: 1 }, LastExecution: AT } } as Service;
    const glob = service('glob', { Global: {} });
    const tasks = [
      ...[1, 2, 3, 4, 5].map((i) => task(web, i, 'running')),
      task(job, 0, 'complete', 'complete', { JobIteration: { Index: 1 } }),
      task(job, 0, 'pending', 'complete', { JobIteration: { Index: 1 } }),
      task(glob, 0, 'preparing'),
    ];
    const v = consoleView(viewOf([web, job, glob], tasks), []);
    expect(new Map(v.services.map((s) => [s.name, s.replicas]))).toEqual(docker);
    expect(new Map(v.services.map((s) => [s.name, s.mode]))).toEqual(new Map([['glob', 'global'], ['job', 'replicated job'], ['web', 'replicated']]));
  });
});
