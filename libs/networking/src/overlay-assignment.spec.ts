import { describe, expect, it } from 'vitest';
import type { Task, TaskState } from '@flotilla/contracts';
import { put } from '@flotilla/state';
import { planNetworkAllocations } from './allocate';
import { nodesOnNetworks, overlayFor } from './overlay-assignment';
import { Store, create, network, node, service, task } from './test-fixtures';

describe('overlayFor', () => {
  function cluster() {
    const s = new Store();
    s.commit([
      create('node', node('a', '10.214.0.11')),
      create('node', node('b', '10.214.0.12')),
      create('node', node('c', '10.214.0.13')),
      create('network', network('n', { IPAMOptions: { Configs: [{ Subnet: '10.9.9.0/24' }] } })),
      create('network', network('other')),
      create('service', service('web', [{ Target: 'n', Aliases: ['web', 'www'] }])),
      create('service', service('db', [{ Target: 'n', Aliases: ['db'] }, { Target: 'other' }])),
    ]);
    s.commit(planNetworkAllocations(s.sm));
    const t = (id: string, svc: string, nodeId: string, nets = ['n']) => create('task', task(id, svc, nets, 'assigned', nodeId));
    s.commit([t('w1', 'web', 'a'), t('w2', 'web', 'b'), t('d1', 'db', 'c', ['n', 'other'])]);
    s.commit(planNetworkAllocations(s.sm));
    return s;
  }
  const setState = (s: Store, id: string, state: TaskState) => {
    const t = s.sm.tasks.get(id)!;
    s.commit([put('task', { ...t, Status: { ...t.Status, State: state } } as Task, t.Version.Index)]);
  };

  it("lists the other hosts with live tasks on each of the node's networks, and its services' task addresses by name", () => {
    const s = cluster();
    setState(s, 'w1', 'running');
    setState(s, 'w2', 'running');
    const a = overlayFor(s.sm, 'a');
    expect(a).toEqual([
      {
        networkId: 'n',
        peers: ['10.214.0.12', '10.214.0.13'],
        services: [
          { serviceId: 'db', names: ['stack_db', 'db'], addresses: ['10.9.9.2'] },
          { serviceId: 'web', names: ['stack_web', 'web', 'www'], addresses: ['10.9.9.3', '10.9.9.4'] },
        ],
      },
    ]);
    expect(overlayFor(s.sm, 'c').map((x) => x.networkId)).toEqual(['n', 'other']);
    expect(overlayFor(s.sm, 'c')[1].peers).toEqual([]);
  });

  it('names the nodes to tell when something changes on a network', () => {
    const s = cluster();
    expect([...nodesOnNetworks(s.sm, new Set(['n']))].sort()).toEqual(['a', 'b', 'c']);
    expect([...nodesOnNetworks(s.sm, new Set(['other']))]).toEqual(['c']);
    const w1 = s.sm.tasks.get('w1')!;
    s.commit([put('task', { ...w1, DesiredState: 'shutdown' } as Task, w1.Version.Index)]);
    expect([...nodesOnNetworks(s.sm, new Set(['n']))].sort()).toEqual(['b', 'c']);
    expect(nodesOnNetworks(s.sm, new Set(['nope'])).size).toBe(0);
  });

  it('names a task from when it is on a node until it is told to stop', () => {
    const s = cluster();
    const web = () => overlayFor(s.sm, 'c')[0].services.find((x) => x.serviceId === 'web')!.addresses;
    expect(web()).toEqual(['10.9.9.3', '10.9.9.4']);
    const w1 = s.sm.tasks.get('w1')!;
    s.commit([put('task', { ...w1, DesiredState: 'shutdown' } as Task, w1.Version.Index)]);
    setState(s, 'w2', 'failed');
    expect(web()).toEqual([]);
  });

  it('drops a peer whose tasks ended, and a node with none of its own', () => {
    const s = cluster();
    setState(s, 'd1', 'failed');
    expect(overlayFor(s.sm, 'a')[0].peers).toEqual(['10.214.0.12']);
    expect(overlayFor(s.sm, 'c')).toEqual([]);
  });

  it('never lists a node on the same host as a peer', () => {
    const s = cluster();
    s.commit([create('node', node('a2', '10.214.0.11')), create('task', task('w3', 'web', ['n'], 'assigned', 'a2'))]);
    expect(overlayFor(s.sm, 'a')[0].peers).toEqual(['10.214.0.12', '10.214.0.13']);
  });
});
