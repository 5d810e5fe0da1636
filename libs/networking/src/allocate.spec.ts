import { describe, expect, it } from 'vitest';
import { VXLAN_ID_OPTION, type Task } from '@flotilla/contracts';
import { put } from '@flotilla/state';
import { planNetworkAllocations } from './allocate';
import { awaitsAddress, taskAddress } from './network-allocation';
import { poolStart } from './subnet-pool';
import { Store, cluster, create, network, node, task } from './test-fixtures';

function settle(s: Store) {
  for (let i = 0; i < 5; i++) s.commit(planNetworkAllocations(s.sm));
  expect(planNetworkAllocations(s.sm)).toEqual([]);
}

const ipam = (s: Store, id: string) => s.sm.networks.get(id)!.IPAMOptions?.Configs?.[0];
const vni = (s: Store, id: string) => s.sm.networks.get(id)!.DriverState?.Options?.[VXLAN_ID_OPTION];

describe('planNetworkAllocations: networks', () => {
  it('gives each network a /24 of 10.0.0.0/8 from the cluster start, its first address as gateway, and VXLAN ids from 4096', () => {
    const s = new Store();
    s.commit([create('cluster', cluster('c1')), create('network', network('a', {}, '1')), create('network', network('b', {}, '2'))]);
    settle(s);
    const start = poolStart('c1');
    const third = (start >> 8) & 255;
    const fourth = start & 255;
    expect(ipam(s, 'a')).toEqual({ Subnet: `10.${third}.${fourth}.0/24`, Gateway: `10.${third}.${fourth}.1` });
    expect(ipam(s, 'b')!.Subnet).not.toBe(ipam(s, 'a')!.Subnet);
    expect([vni(s, 'a'), vni(s, 'b')]).toEqual(['4096', '4097']);
  });

  it("keeps the user's subnet, gateway and range, and never hands out an overlapping one", () => {
    const s = new Store();
    const start = poolStart(undefined);
    expect(start).toBe(0);
    s.commit([
      create('network', network('u', { IPAMOptions: { Configs: [{ Subnet: '10.0.0.0/23', Gateway: '10.0.0.254', Range: '10.0.1.0/24' }] } }, '2')),
      create('network', network('p', {}, '1')),
    ]);
    settle(s);
    expect(ipam(s, 'u')).toEqual({ Subnet: '10.0.0.0/23', Gateway: '10.0.0.254', Range: '10.0.1.0/24' });
    expect(ipam(s, 'p')!.Subnet).toBe('10.0.2.0/24');
  });

  it('leaves ingress, malformed and overlapping user subnets unallocated', () => {
    const s = new Store();
    s.commit([
      create('network', network('i', { Ingress: true })),
      create('network', network('x', { IPAMOptions: { Configs: [{ Subnet: 'not-a-subnet' }] } })),
      create('network', network('o1', { IPAMOptions: { Configs: [{ Subnet: '10.9.0.0/16' }] } }, '1')),
      create('network', network('o2', { IPAMOptions: { Configs: [{ Subnet: '10.9.3.0/24' }] } }, '2')),
    ]);
    settle(s);
    expect(ipam(s, 'i')).toBeUndefined();
    expect(ipam(s, 'x')).toBeUndefined();
    expect(ipam(s, 'o2')).toBeUndefined();
    // Both asked for overlapping blocks: neither is given to the other, so neither is allocated.
    expect(ipam(s, 'o1')).toBeUndefined();
  });

  it("skips a /24 that holds a node's address", () => {
    const s = new Store();
    s.commit([create('node', node('n1', '10.0.0.7')), create('node', node('n2', '10.0.1.9:2377')), create('network', network('a'))]);
    settle(s);
    expect(ipam(s, 'a')!.Subnet).toBe('10.0.2.0/24');
  });
});

describe('planNetworkAllocations: tasks', () => {
  function withNetwork(subnet?: string) {
    const s = new Store();
    s.commit([create('network', network('n', subnet ? { IPAMOptions: { Configs: [{ Subnet: subnet }] } } : {}))]);
    s.commit(planNetworkAllocations(s.sm));
    return s;
  }

  it('addresses tasks only once their network allocation is committed', () => {
    const s = new Store();
    s.commit([create('network', network('n')), create('task', task('t1', 's', ['n']))]);
    const first = planNetworkAllocations(s.sm);
    expect(first.map((o) => (o.op === 'put' ? o.kind : o.op))).toEqual(['network']);
    s.commit(first);
    settle(s);
    expect(taskAddress(s.sm.tasks.get('t1')!, 'n')).toBe('10.0.0.2/24');
    expect(s.sm.tasks.get('t1')!.NetworksAttachments).toEqual([{ Network: { ID: 'n', Spec: { Name: 'net-n' } }, Addresses: ['10.0.0.2/24'] }]);
  });

  it('never re-addresses a task, and frees an address only when its task ends or is deleted', () => {
    const s = withNetwork('10.5.0.0/29'); // .1 gateway, .2-.6 usable
    s.commit(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => create('task', task(id, 's', ['n']))));
    settle(s);
    const addr = (id: string) => taskAddress(s.sm.tasks.get(id)!, 'n');
    expect(['a', 'b', 'c', 'd', 'e'].map(addr)).toEqual(['10.5.0.2/29', '10.5.0.3/29', '10.5.0.4/29', '10.5.0.5/29', '10.5.0.6/29']);
    expect(addr('f')).toBeUndefined();
    expect(awaitsAddress(s.sm.tasks.get('f')!, s.sm.networks)).toBe(true);
    const c = s.sm.tasks.get('c')!;
    s.commit([put('task', { ...c, Status: { ...c.Status, State: 'failed' } }, c.Version.Index)]);
    settle(s);
    expect(addr('f')).toBe('10.5.0.4/29');
    expect(addr('c')).toBe('10.5.0.4/29'); // history keeps what it had
    expect(['a', 'b', 'd', 'e'].map(addr)).toEqual(['10.5.0.2/29', '10.5.0.3/29', '10.5.0.5/29', '10.5.0.6/29']);
  });

  it('hands out after the highest address in use, so one just freed is not reused at once', () => {
    const s = withNetwork('10.6.0.0/24');
    s.commit([create('task', task('a', 's', ['n'])), create('task', task('b', 's', ['n']))]);
    settle(s);
    const b = s.sm.tasks.get('b')!;
    s.commit([put('task', { ...b, Status: { ...b.Status, State: 'shutdown' } }, b.Version.Index), create('task', task('c', 's', ['n']))]);
    settle(s);
    expect(taskAddress(s.sm.tasks.get('c')!, 'n')).toBe('10.6.0.4/24');
  });

  it('leaves tasks a worker already prepares, and tasks on unallocated networks, alone', () => {
    const s = withNetwork();
    s.commit([create('network', network('ing', { Ingress: true })), create('task', task('r', 's', ['n'], 'starting', 'n1')), create('task', task('i', 's', ['ing']))]);
    s.commit(planNetworkAllocations(s.sm)); // allocates the ingress network: nothing
    const before = s.sm.index;
    expect(planNetworkAllocations(s.sm)).toEqual([]);
    expect(s.sm.index).toBe(before);
    expect(taskAddress(s.sm.tasks.get('r')!, 'n')).toBeUndefined();
    expect(awaitsAddress(s.sm.tasks.get('i')!, s.sm.networks)).toBe(false);
  });

  it('a task on a network not allocated yet awaits it, as it awaits its address', () => {
    const s = new Store();
    s.commit([create('network', network('n')), create('task', task('t', 's', ['n']))]);
    expect(awaitsAddress(s.sm.tasks.get('t')!, s.sm.networks)).toBe(true);
    settle(s);
    expect(awaitsAddress(s.sm.tasks.get('t')!, s.sm.networks)).toBe(false);
  });

  it('adds the attachment a task lacks, with the network name', () => {
    const s = withNetwork();
    const t: Task = { ...task('t', 's', ['n']), NetworksAttachments: undefined };
    s.commit([create('task', t)]);
    settle(s);
    expect(s.sm.tasks.get('t')!.NetworksAttachments).toEqual([{ Network: { ID: 'n', Spec: { Name: 'net-n' } }, Addresses: ['10.0.0.2/24'] }]);
  });
});
