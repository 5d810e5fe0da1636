import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyObject, Change, ObjectKind } from '@flotilla/state';
import type { EventMessage, Service, SwarmNode } from '@flotilla/contracts';
import { swarmEvents } from './swarm-events';

/** What Docker 20.10 in swarm mode sent for the same commands (recorded with the stock CLI). */
const docker = JSON.parse(readFileSync(resolve(__dirname, '../../../../test/docker-cli/events.docker.json'), 'utf8')) as {
  swarmEvents: { events: EventMessage[] };
  serviceImageUpdate: { events: EventMessage[] };
};

const T0 = '2026-12-04T04:07:43.006Z';
const T1 = '2026-12-04T04:07:47.107Z';
const NOW = Date.parse('2026-12-04T05:00:00.000Z');

function service(over: { name?: string; replicas?: number; image?: string; updatedAt?: string; update?: Service['UpdateStatus'] } = {}): Service {
  return {
    ID: 'svc1',
    Version: { Index: 1 },
    CreatedAt: T0,
    UpdatedAt: over.updatedAt ?? T0,
    Spec: {
      Name: over.name ?? 'web',
      TaskTemplate: { ContainerSpec: { Image: over.image ?? 'flotilla/busybox:latest' } },
      Mode: { Replicated: { Replicas: over.replicas ?? 1 } },
    },
    Endpoint: { Spec: {} },
    ...(over.update ? { UpdateStatus: over.update } : {}),
  } as Service;
}

function node(over: { availability?: SwarmNode['Spec']['Availability']; labels?: Record<string, string>; state?: SwarmNode['Status']['State']; role?: SwarmNode['Spec']['Role']; leader?: boolean; reach?: 'reachable' | 'unreachable' } = {}): SwarmNode {
  return {
    ID: 'node1',
    Version: { Index: 1 },
    CreatedAt: T0,
    UpdatedAt: T0,
    Spec: { Labels: over.labels ?? {}, Role: over.role ?? 'manager', Availability: over.availability ?? 'active' },
    Description: { Hostname: 'refev1' },
    Status: { State: over.state ?? 'ready', Addr: '10.0.0.1' },
    ManagerStatus: { Leader: over.leader ?? true, Reachability: over.reach ?? 'reachable', Addr: '10.0.0.1:2377' },
  } as SwarmNode;
}

const named = (kind: ObjectKind, name: string) => ({ ID: `${kind}1`, Version: { Index: 1 }, CreatedAt: T0, UpdatedAt: T0, Spec: { Name: name } }) as unknown as AnyObject;
const ch = (kind: ObjectKind, before?: AnyObject, after?: AnyObject): Change => ({ kind, id: (after ?? before)!.ID, before, after });
const shape = (e: EventMessage) => ({ Type: e.Type, Action: e.Action, Attributes: e.Actor.Attributes, scope: e.scope });

describe('swarmEvents', () => {
  // Each row replays one recorded Docker command as the store change flotilla makes for it.
  const rows: [string, Change, EventMessage][] = [
    ['service create', ch('service', undefined, service()), docker.swarmEvents.events[0]],
    ['service scale 1 -> 2', ch('service', service(), service({ replicas: 2, updatedAt: T1 })), docker.swarmEvents.events[1]],
    ['service update --env-add', ch('service', service(), service({ updatedAt: T1 })), docker.swarmEvents.events[2]],
    ['update starts', ch('service', service(), service({ update: { State: 'updating' } })), docker.swarmEvents.events[3]],
    ['service rm', ch('service', service(), undefined), docker.swarmEvents.events[4]],
    ['network create', ch('network', undefined, named('network', 'netx')), docker.swarmEvents.events[5]],
    ['network rm', ch('network', named('network', 'netx'), undefined), docker.swarmEvents.events[7]],
    ['secret create', ch('secret', undefined, named('secret', 'sec1')), docker.swarmEvents.events[8]],
    ['secret rm', ch('secret', named('secret', 'sec1'), undefined), docker.swarmEvents.events[9]],
    ['config create', ch('config', undefined, named('config', 'cfg1')), docker.swarmEvents.events[10]],
    ['config rm', ch('config', named('config', 'cfg1'), undefined), docker.swarmEvents.events[11]],
    ['node label-add', ch('node', node(), node({ labels: { foo: 'bar' } })), docker.swarmEvents.events[12]],
    ['node drain', ch('node', node(), node({ availability: 'drain' })), docker.swarmEvents.events[13]],
    ['node active', ch('node', node({ availability: 'drain' }), node()), docker.swarmEvents.events[14]],
    ['service --image', ch('service', service({ name: 'rec' }), service({ name: 'rec', image: 'flotilla/hello:latest' })), docker.serviceImageUpdate.events[1]],
    ['service scale 1 -> 0', ch('service', service({ name: 'rec' }), service({ name: 'rec', replicas: 0 })), docker.serviceImageUpdate.events[3]],
  ];

  it.each(rows)('%s gives the event Docker sent', (_name, change, want) => {
    const [got, ...more] = swarmEvents({ index: 7, changes: [change] }, NOW);
    expect(more).toEqual([]);
    expect(shape(got.message)).toEqual(shape(want));
  });

  it('the recorded service sequence: create, 3 updates, remove', () => {
    expect(docker.swarmEvents.events.slice(0, 5).map((e) => `${e.Type} ${e.Action}`)).toEqual([
      'service create',
      'service update',
      'service update',
      'service update',
      'service remove',
    ]);
  });

  it.each([
    ['state', node(), node({ state: 'down' }), { 'state.old': 'ready', 'state.new': 'down' }],
    ['role', node(), node({ role: 'worker' }), { 'role.old': 'manager', 'role.new': 'worker' }],
    ['leader', node({ leader: true }), node({ leader: false }), { 'leader.old': 'true', 'leader.new': 'false' }],
    ['reachability', node(), node({ reach: 'unreachable' }), { 'reachability.old': 'reachable', 'reachability.new': 'unreachable' }],
  ] as const)('a node %s change names its old and new value', (_n, before, after, attrs) => {
    const [got] = swarmEvents({ index: 1, changes: [ch('node', before, after)] }, NOW);
    expect(got.message.Actor.Attributes).toEqual({ name: 'refev1', ...attrs });
  });

  it('an update state moving on names both ends', () => {
    const [got] = swarmEvents({ index: 1, changes: [ch('service', service({ update: { State: 'updating' } }), service({ update: { State: 'completed' } }))] }, NOW);
    expect(got.message.Actor.Attributes).toEqual({ name: 'web', 'updatestate.old': 'updating', 'updatestate.new': 'completed' });
  });

  it('tasks, volumes and the cluster object are not events', () => {
    const t = { ID: 't1', Version: { Index: 1 }, CreatedAt: T0, UpdatedAt: T0 } as unknown as AnyObject;
    const changes = (['task', 'volume', 'cluster'] as const).map((k) => ch(k, undefined, t));
    expect(swarmEvents({ index: 1, changes }, NOW)).toEqual([]);
  });

  it('keeps the batch order, one event per changed object', () => {
    const got = swarmEvents({ index: 1, changes: [ch('network', undefined, named('network', 'n')), ch('service', undefined, service())] }, NOW);
    expect(got.map((e) => e.message.Type)).toEqual(['network', 'service']);
  });

  it.each([
    ['create: the creation time', ch('service', undefined, service()), Date.parse(T0)],
    ['update: the new UpdatedAt', ch('service', service(), service({ updatedAt: T1, replicas: 2 })), Date.parse(T1)],
    ['update that kept UpdatedAt: when applied', ch('service', service(), service({ replicas: 2 })), NOW],
    ['remove: when applied', ch('service', service(), undefined), NOW],
  ] as const)('time of %s', (_n, change, ms) => {
    const [got] = swarmEvents({ index: 1, changes: [change] }, NOW);
    expect(got.nanos).toBe(BigInt(ms) * 1_000_000n);
    expect(got.message.time).toBe(Math.floor(ms / 1000));
    expect(got.message.Actor.ID).toBe(change.id);
  });
});
