import { describe, expect, it } from 'vitest';
import type { Network, Service, Task } from '@flotilla/contracts';
import type { StackState } from '../client/api-client';
import { oneOffBody, oneOffNode, type RunOverrides } from './one-off';

const service = {
  ID: 's1',
  Spec: {
    Name: 'p_web',
    Labels: { 'com.docker.compose.service': 'web' },
    Mode: { Replicated: { Replicas: 1 } },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'flotilla/busybox:latest',
        Command: ['/entry'],
        Args: ['serve'],
        Env: ['A=0', 'B=1'],
        Dir: '/srv',
        User: 'app',
        Labels: { 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '1' },
        Mounts: [{ Type: 'volume', Source: 'p_data', Target: '/data' }],
      },
      Networks: [{ Target: 'net1', Aliases: ['web'] }],
    },
    EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 8080, Protocol: 'tcp' }] },
  },
  Endpoint: { Spec: {} },
} as unknown as Service;
const state: StackState = { name: 'p', services: [service], tasks: [], networks: [{ ID: 'net1', Spec: { Name: 'p_default' } } as Network], volumes: [] };
const o = (x: Partial<RunOverrides> = {}): RunOverrides => ({ command: [], env: [], servicePorts: false, tty: false, slug: '0123456789ab', ...x });

describe("run's one-off container, from the service and 1.29's flags", () => {
  it("keeps the service's configuration, named and labelled as 1.29's one-off, on the service's network, no ports", () => {
    const b = oneOffBody(state, 'p', service, o());
    expect(b).toMatchObject({
      name: 'p_web_run_0123456789ab',
      Image: 'flotilla/busybox:latest',
      Entrypoint: ['/entry'],
      Cmd: ['serve'],
      Env: ['A=0', 'B=1'],
      WorkingDir: '/srv',
      User: 'app',
      Tty: false,
      OpenStdin: true,
      HostConfig: { NetworkMode: 'p_default', Mounts: [{ Type: 'volume', Source: 'p_data', Target: '/data' }] },
      NetworkingConfig: { EndpointsConfig: { p_default: {} } },
    });
    expect(b.Labels).toEqual({ 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'web', 'com.docker.compose.oneoff': 'True', 'com.docker.compose.slug': '0123456789ab' });
    expect(b.HostConfig.PortBindings).toBeUndefined();
  });

  it('takes the command, -e (over the service\'s), -u, -w and a TTY from the command line', () => {
    const b = oneOffBody(state, 'p', service, o({ command: ['echo', 'x'], env: ['B=2', 'C=3'], user: 'root', workdir: '/etc', tty: true }));
    expect(b).toMatchObject({ Cmd: ['echo', 'x'], Entrypoint: ['/entry'], Env: ['A=0', 'B=2', 'C=3'], User: 'root', WorkingDir: '/etc', Tty: true });
  });

  it("--entrypoint replaces the image's and drops the service's command; an empty one clears it", () => {
    expect(oneOffBody(state, 'p', service, o({ entrypoint: 'sh' }))).toMatchObject({ Entrypoint: ['sh'] });
    expect(oneOffBody(state, 'p', service, o({ entrypoint: 'sh' })).Cmd).toBeUndefined();
    expect(oneOffBody(state, 'p', service, o({ entrypoint: '', command: ['ls'] }))).toMatchObject({ Entrypoint: [''], Cmd: ['ls'] });
  });

  it('--service-ports publishes the service\'s ports', () => {
    const b = oneOffBody(state, 'p', service, o({ servicePorts: true }));
    expect(b.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostPort: '8080' }] });
    expect(b.ExposedPorts).toEqual({ '80/tcp': {} });
  });

  it('--service-ports with a host range: bound whole, the engine picks a free port of it (1.29)', () => {
    const range = { Protocol: 'tcp' as const, TargetPort: 80, PublishedPort: 18000, PublishedPortEnd: 18001, PublishMode: 'host' as const };
    const ranged = { ...service, Spec: { ...service.Spec, EndpointSpec: { Ports: [range] } }, Endpoint: { Spec: { Ports: [range] } } } as Service;
    expect(oneOffBody(state, 'p', ranged, o({ servicePorts: true })).HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostPort: '18000-18001' }] });
  });
});

describe('oneOffNode', () => {
  const t = (serviceId: string, node: string, state = 'running') => ({ ServiceID: serviceId, NodeID: node, DesiredState: 'running', Status: { State: state } }) as unknown as Task;
  it.each([
    ['a node running the service', [t('s2', 'n2'), t('s1', 'n3')], 'n3'],
    ['else one running the project', [t('s1', 'n4', 'failed'), t('s2', 'n2')], 'n2'],
    ["else the manager's", [], 'mgr'],
  ])('%s', (_what, tasks, want) => {
    expect(oneOffNode({ ...state, tasks }, service, 'mgr')).toBe(want);
  });
});
