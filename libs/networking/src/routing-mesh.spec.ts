import { describe, expect, it } from 'vitest';
import type { Service } from '@flotilla/contracts';
import { meshFor, meshTable } from './routing-mesh';
import { Store, create, node, service, task } from './test-fixtures';

const published = (id: string, ports: { PublishedPort: number; TargetPort: number; PublishMode?: 'ingress' | 'host'; Protocol?: 'tcp' | 'udp'; HostIP?: string }[]): Service => {
  const s = service(id, []);
  return { ...s, Spec: { ...s.Spec, EndpointSpec: { Ports: ports } } };
};

describe('routing mesh', () => {
  function cluster() {
    const s = new Store();
    s.commit([
      create('node', node('a', '10.214.0.11:2377')),
      create('node', node('b', '10.214.0.12')),
      create('node', node('c', '10.214.0.13')),
      create('service', published('web', [{ PublishedPort: 8080, TargetPort: 80 }, { PublishedPort: 8443, TargetPort: 443 }])),
      create('service', published('hostmode', [{ PublishedPort: 9000, TargetPort: 80, PublishMode: 'host' }, { PublishedPort: 5353, TargetPort: 53, Protocol: 'udp' }])),
      create('service', service('plain', [])),
      create('task', task('w1', 'web', [], 'running', 'b')),
      create('task', task('w2', 'web', [], 'running', 'b')),
      create('task', task('w3', 'web', [], 'starting', 'c')),
      create('task', task('h1', 'hostmode', [], 'running', 'a')),
    ]);
    return s;
  }

  it('lists every ingress TCP port with the hosts running its tasks, once each', () => {
    const t = meshTable(cluster().sm);
    expect(t.map((e) => e.publishedPort)).toEqual([8080, 8443]);
    expect(t[0]).toEqual({ publishedPort: 8080, serviceId: 'web', hosts: [{ nodeId: 'b', addr: '10.214.0.12' }] });
  });

  it("gives each node every port, with the other hosts only: a node with no task passes connections on, one with tasks keeps them", () => {
    const t = meshTable(cluster().sm);
    expect(meshFor(t, '10.214.0.11:2377')).toEqual([
      { publishedPort: 8080, serviceId: 'web', remotes: ['10.214.0.12'] },
      { publishedPort: 8443, serviceId: 'web', remotes: ['10.214.0.12'] },
    ]);
    expect(meshFor(t, '10.214.0.12')[0].remotes).toEqual([]);
  });

  it('carries the one address a port is bound to (127.0.0.1:P:T) to every node', () => {
    const s = cluster();
    s.commit([create('service', published('local', [{ PublishedPort: 7000, TargetPort: 80, HostIP: '127.0.0.1' }])), create('task', task('l1', 'local', [], 'running', 'c'))]);
    const mine = meshFor(meshTable(s.sm), '10.214.0.11').find((m) => m.publishedPort === 7000);
    expect(mine).toEqual({ publishedPort: 7000, serviceId: 'local', hostIp: '127.0.0.1', remotes: ['10.214.0.13'] });
  });
});
