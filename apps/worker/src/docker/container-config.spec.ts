import { describe, expect, it } from 'vitest';
import type { Network, Task } from '@flotilla/contracts';
import { containerConfig, containerName } from './container-config';

const at = '2026-01-01T00:00:00.000Z';
const net = (id: string, name: string): Network => ({ ID: id, Version: { Index: 1 }, CreatedAt: at, UpdatedAt: at, Spec: { Name: name } });
const task: Task = {
  ID: 'task1',
  Version: { Index: 3 },
  CreatedAt: at,
  UpdatedAt: at,
  ServiceID: 'svc1',
  ServiceName: 'counter_web',
  Slot: 2,
  NodeID: 'node1',
  SpecVersion: { Index: 7 },
  Status: { Timestamp: at, State: 'assigned', Message: '' },
  DesiredState: 'running',
  Spec: {
    ContainerSpec: {
      Image: 'flotilla/counter-web:latest',
      Command: ['/entry'],
      Args: ['httpd', '-f'],
      Env: ['A=1'],
      Labels: { 'com.docker.compose.project': 'counter', 'com.docker.compose.service': 'web' },
      Mounts: [{ Type: 'volume', Source: 'counter_data', Target: '/data' }],
      StopGracePeriod: 2_500_000_000,
      Hosts: ['10.0.0.1 a b'],
    },
    Resources: { Limits: { NanoCPUs: 500_000_000, MemoryBytes: 64 << 20 } },
    Networks: [
      { Target: 'n1', Aliases: ['web'] },
      { Target: 'n2', Aliases: ['web2'] },
    ],
  },
};

describe('containerConfig', () => {
  const nets = new Map([
    ['n1', net('n1', 'counter_default')],
    ['n2', net('n2', 'counter_back')],
  ]);
  const { body, extra } = containerConfig(task, 'node1', nets, [{ TargetPort: 80, PublishedPort: 8081 }]);

  it('names containers as Swarm does', () => expect(containerName(task)).toBe('counter_web.2.task1'));

  it("a spec's own name (compose's container_name) names the container; the task keeps Swarm's name", () => {
    const named: Task = { ...task, Spec: { ...task.Spec, ContainerSpec: { ...task.Spec.ContainerSpec, ContainerName: 'counter-db' } } };
    expect(containerName(named)).toBe('counter-db');
    const c = containerConfig(named, 'node1', nets, []);
    expect(c.body.name).toBe('counter-db');
    expect(c.body.Labels['com.docker.swarm.task.name']).toBe('counter_web.2.task1');
  });

  it('puts the labels Docker tools look for', () => {
    expect(body.Labels).toMatchObject({
      'com.docker.compose.project': 'counter',
      'com.docker.compose.service': 'web',
      'com.docker.compose.container-number': '2',
      'com.docker.swarm.service.name': 'counter_web',
      'com.docker.swarm.task.id': 'task1',
      'com.docker.swarm.node.id': 'node1',
      'io.flotilla.managed': 'true',
    });
  });

  it('maps entrypoint/command, env, limits, mounts, stop timeout and hosts', () => {
    expect(body.Entrypoint).toEqual(['/entry']);
    expect(body.Cmd).toEqual(['httpd', '-f']);
    expect(body.Env).toEqual(['A=1']);
    expect(body.StopTimeout).toBe(3);
    expect(body.HostConfig).toMatchObject({
      NanoCpus: 500_000_000,
      Memory: 64 << 20,
      Mounts: [{ Type: 'volume', Source: 'counter_data', Target: '/data' }],
      ExtraHosts: ['a:10.0.0.1', 'b:10.0.0.1'],
      RestartPolicy: { Name: 'no' },
      Privileged: false,
    });
  });

  it('binds host-mode ports and attaches networks with aliases', () => {
    expect(body.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostPort: '8081' }] });
    expect(body.HostConfig.NetworkMode).toBe('counter_default');
    expect(body.NetworkingConfig).toEqual({ EndpointsConfig: { counter_default: { Aliases: ['web'] } } });
    expect(extra).toEqual([{ network: 'counter_back', aliases: ['web2'] }]);
  });

  it('binds a host range whole, as 1.29 asks the engine (which gives the container one free port of it), with its address', () => {
    const ranged = containerConfig(task, 'node1', nets, [
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18000, PublishedPortEnd: 18001, PublishMode: 'host' },
      { Protocol: 'udp', TargetPort: 53, PublishedPort: 19000, PublishedPortEnd: 19002, PublishMode: 'host', HostIP: '127.0.0.1' },
    ]).body;
    expect(ranged.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostPort: '18000-18001' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '19000-19002' }] });
    expect(ranged.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
  });
});

describe('containerConfig on overlay networks', () => {
  const nets = new Map([
    ['n1', net('n1', 'counter_default')],
    ['n2', net('n2', 'counter_back')],
  ]);
  const addressed: Task = {
    ...task,
    NetworksAttachments: [
      { Network: { ID: 'n1', Spec: { Name: 'counter_default' } }, Addresses: ['10.0.3.5/24'] },
      { Network: { ID: 'n2', Spec: { Name: 'counter_back' } }, Addresses: ['10.0.4.9/24'] },
    ],
  };

  it('takes the allocated addresses, leaves the service names to the node DNS, and uses it', () => {
    const { body, extra } = containerConfig(addressed, 'node1', nets, [], { networks: new Set(['n1', 'n2']), dns: '10.0.3.1' });
    expect(body.NetworkingConfig).toEqual({ EndpointsConfig: { counter_default: { IPAMConfig: { IPv4Address: '10.0.3.5' } } } });
    expect(extra).toEqual([{ network: 'counter_back', aliases: undefined, ipv4: '10.0.4.9' }]);
    expect(body.HostConfig.Dns).toEqual(['10.0.3.1']);
  });

  it('keeps Docker aliases when the node DNS does not serve the network, and on networks that are not the overlay', () => {
    const { body, extra } = containerConfig(addressed, 'node1', nets, [], { networks: new Set(['n1']) });
    expect(body.NetworkingConfig).toEqual({ EndpointsConfig: { counter_default: { Aliases: ['web'], IPAMConfig: { IPv4Address: '10.0.3.5' } } } });
    expect(extra).toEqual([{ network: 'counter_back', aliases: ['web2'] }]);
    expect(body.HostConfig.Dns).toBeUndefined();
  });

  it("lets the user's nameservers win (and keeps the aliases then)", () => {
    const mine: Task = { ...addressed, Spec: { ...addressed.Spec, ContainerSpec: { ...addressed.Spec.ContainerSpec, DNSConfig: { Nameservers: ['1.1.1.1'] } } } };
    const { body } = containerConfig(mine, 'node1', nets, [], { networks: new Set(['n1', 'n2']), dns: '10.0.3.1' });
    expect(body.HostConfig.Dns).toEqual(['1.1.1.1']);
    expect(body.NetworkingConfig?.EndpointsConfig.counter_default.Aliases).toEqual(['web']);
  });
});
