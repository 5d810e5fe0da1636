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
    ['one made but not started (a port taken): the engine\'s exit 128', { State: 'rejected', Message: 'starting', Err: 'driver failed programming external connectivity', ContainerStatus: { ContainerID: 'c1' } }, 'Exit 128'],
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
  const task = (slot: number, state: TaskStatus['State'], published?: number, message = ''): Task =>
    ({
      ID: `t${slot}`,
      ServiceID: 's1',
      Slot: slot,
      DesiredState: 'running',
      CreatedAt: '',
      Spec: { ContainerSpec: { Image: 'i' } },
      Status: { Timestamp: '', Message: message, State: state, ...(published ? { PortStatus: { Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: published, PublishMode: 'host' }] } } : {}) },
    }) as unknown as Task;

  it("each container shows the one port of the range it got, as 1.29 shows each container's binding", () => {
    const state = { services: [svc], tasks: [task(1, 'running', 18000), task(2, 'running', 18001), { ...task(3, 'rejected', undefined, 'starting'), Status: { Timestamp: '', Message: 'starting', State: 'rejected', ContainerStatus: { ContainerID: 'c3' } } } as Task], networks: [], volumes: [] } as unknown as StackState;
    const rows = renderPs(state, 'p', { filter: [] }).split('\n').slice(2, 5);
    expect(rows.map((r) => r.trimEnd().split(/\s{3,}/).at(-1))).toEqual(['0.0.0.0:18000->80/tcp,:::18000->80/tcp', '0.0.0.0:18001->80/tcp,:::18001->80/tcp', 'Exit 128']);
  });

  it('a task the engine never made a container for is not listed (1.29 lists containers); one made and not started is', () => {
    const state = { services: [svc], tasks: [task(1, 'running', 18000), task(2, 'rejected', undefined, 'creating')], networks: [], volumes: [] } as unknown as StackState;
    expect(renderPs(state, 'p', { filter: [] }).split('\n').filter(Boolean).slice(2).map((r) => r.split(/\s{3,}/)[0])).toEqual(['p_web_1']);
  });
});

describe('compose ps order', () => {
  const svc = (id: string, name: string) => ({ ID: id, Spec: { Name: `p_${name}`, Labels: { 'com.docker.compose.service': name } } }) as unknown as Service;
  const task = (id: string, service: string, slot: number, containerName?: string): Task =>
    ({
      ID: id,
      ServiceID: service,
      Slot: slot,
      DesiredState: 'running',
      CreatedAt: '',
      Spec: { ContainerSpec: { Image: 'i', ...(containerName ? { ContainerName: containerName } : {}) } },
      Status: { Timestamp: '', Message: '', State: 'running' },
    }) as unknown as Task;

  it("by name as 1.29 sorts it (Python's string order): slot 10 before 2, a container_name with `-` before `_`", () => {
    const state = { services: [svc('s1', 'web'), svc('s2', 'db')], tasks: [task('a', 's1', 2), task('b', 's1', 10), task('c', 's2', 1, 'p-store')], networks: [], volumes: [] } as unknown as StackState;
    expect(renderPs(state, 'p', { filter: [] }).split('\n').slice(2).filter(Boolean).map((r) => r.split(/\s{3,}/)[0].trim())).toEqual(['p-store', 'p_web_10', 'p_web_2']);
  });
});
