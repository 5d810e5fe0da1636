import { describe, expect, it } from 'vitest';
import type { Service, StackState, Task, TaskStatus } from '@flotilla/contracts';
import { ports, renderPs, stateText } from './ps';

const t = (status: Partial<TaskStatus>): Task =>
  ({ Status: { Timestamp: '', Message: '', State: 'running', ...status } }) as Task;

describe("compose ps State column, as docker-compose 1.29 prints it", () => {
  it.each<[string, Partial<TaskStatus>, string]>([
    ['a running container without healthcheck', { State: 'running' }, 'Up'],
    ['a healthy one', { State: 'running', ContainerStatus: { Health: 'healthy' } }, 'Up (healthy)'],
    ['one whose healthcheck has not passed yet', { State: 'starting', ContainerStatus: { Health: 'starting' } }, 'Up (health: starting)'],
    ['one being started', { State: 'starting' }, 'Starting'],
    ['a paused one, healthy or not', { State: 'running', ContainerStatus: { Health: 'healthy', Paused: true } }, 'Paused'],
    ['one unpaused again', { State: 'running', ContainerStatus: { Health: 'healthy', Paused: false } }, 'Up (healthy)'],
    ['an exit 0', { State: 'complete', ContainerStatus: { ExitCode: 0 } }, 'Exit 0'],
    ['an exit 3', { State: 'failed', ContainerStatus: { ExitCode: 3 } }, 'Exit 3'],
    ['one made but not started (a port taken): the engine\'s exit 128', { State: 'rejected', Message: 'starting', Err: 'driver failed programming external connectivity' }, 'Exit 128'],
    ['one never made: rejected, with why', { State: 'rejected', Message: 'preparing', Err: 'No such image: nope' }, 'Rejected: No such image: nope'],
  ])('%s', (_n, status, want) => {
    expect(stateText(t(status))).toBe(want);
  });
});

describe('compose ps Ports column, as docker-compose 1.29 prints it', () => {
  it.each<[string, { TargetPort: number; PublishedPort?: number; Protocol?: string; HostIP?: string }[], string]>([
    ['a published port: its IPv4 and IPv6 bindings', [{ TargetPort: 8080, PublishedPort: 18931 }], '0.0.0.0:18931->8080/tcp,:::18931->8080/tcp'],
    // As 1.29 printed `127.0.0.1:18431:80` and `18432:80` of one service (file order), engine's order.
    ['one address (127.0.0.1:P:T): that binding alone, after the all-address ones', [{ TargetPort: 80, PublishedPort: 18431, HostIP: '127.0.0.1' }, { TargetPort: 80, PublishedPort: 18432 }], '0.0.0.0:18432->80/tcp,:::18432->80/tcp,127.0.0.1:18431->80/tcp'],
    ['ports sorted as text, an exposed one bare', [{ TargetPort: 80, PublishedPort: 8000 }, { TargetPort: 443, Protocol: 'tcp' }, { TargetPort: 53, PublishedPort: 5353, Protocol: 'udp' }], '443/tcp, 0.0.0.0:5353->53/udp,:::5353->53/udp, 0.0.0.0:8000->80/tcp,:::8000->80/tcp'],
    ['none', [], ''],
  ])('%s', (_n, ps, want) => expect(ports(ps)).toBe(want));

  it.each<[string, string[] | undefined, string]>([
    ['a node that bound IPv4 and IPv6 (dual-stack)', ['0.0.0.0', '::'], '0.0.0.0:8000->80/tcp,:::8000->80/tcp'],
    ['a node without IPv6: the IPv4 binding alone, as the engine publishes there', ['0.0.0.0'], '0.0.0.0:8000->80/tcp'],
    ['a worker that did not say: both', undefined, '0.0.0.0:8000->80/tcp,:::8000->80/tcp'],
  ])('published on %s', (_n, addresses, want) => expect(ports([{ TargetPort: 80, PublishedPort: 8000 }], addresses)).toBe(want));
});

describe('compose ps: a host range onto one port (18000-18001:80)', () => {
  const range = { Protocol: 'tcp' as const, TargetPort: 80, PublishedPort: 18000, PublishedPortEnd: 18001, PublishMode: 'host' as const };
  const svc = { ID: 's1', Spec: { Name: 'p_web', Labels: { 'com.docker.compose.service': 'web' }, EndpointSpec: { Ports: [range] } }, Endpoint: { Spec: { Ports: [range] } } } as unknown as Service;
  const task = (slot: number, state: TaskStatus['State'], published?: number): Task =>
    ({
      ID: `t${slot}`,
      ServiceID: 's1',
      Slot: slot,
      DesiredState: 'running',
      CreatedAt: '',
      Spec: { ContainerSpec: { Image: 'i' } },
      Status: { Timestamp: '', Message: '', State: state, ...(published ? { PortStatus: { Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: published, PublishMode: 'host' }] } } : {}) },
    }) as unknown as Task;

  it("each container shows the one port of the range it got, as 1.29 shows each container's binding", () => {
    const state = { services: [svc], tasks: [task(1, 'running', 18000), task(2, 'running', 18001), task(3, 'rejected')], networks: [], volumes: [] } as unknown as StackState;
    const rows = renderPs(state, 'p', { filter: [] }).split('\n').slice(2, 5);
    expect(rows.map((r) => r.split(/\s{3,}/).at(-1))).toEqual(['0.0.0.0:18000->80/tcp,:::18000->80/tcp', '0.0.0.0:18001->80/tcp,:::18001->80/tcp', expect.not.stringContaining('->')]);
  });
});
