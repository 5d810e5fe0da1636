import { describe, expect, it } from 'vitest';
import type { Service, SwarmNode, Task } from '@flotilla/contracts';
import { schedule, type SchedulePlan } from './schedule';
import { node, nodeMap, service, serviceMap, task } from './test-fixtures';

const pendingOf = (s: Service, n: number, from = 1) => Array.from({ length: n }, (_, i) => task(s, from + i, 'new'));
const perNode = (plan: SchedulePlan) => {
  const m: Record<string, number> = {};
  for (const a of plan.assign) m[a.nodeId] = (m[a.nodeId] ?? 0) + 1;
  return m;
};

describe('schedule: where tasks go', () => {
  it('spreads 20 replicas over 3 nodes as 7/7/6', () => {
    const s = service('s', 20);
    const plan = schedule({ nodes: nodeMap([node('a'), node('b'), node('c')]), services: serviceMap([s]), tasks: [], pending: pendingOf(s, 20) });
    expect(perNode(plan)).toEqual({ a: 7, b: 7, c: 6 });
    expect(plan.unschedulable).toEqual([]);
  });

  it('puts a task where the service has fewest tasks, then where there are fewest overall, then by node id', () => {
    const s = service('s', 3);
    const o = service('o', 3);
    const existing: Task[] = [task(s, 1, 'running', { node: 'a' }), task(o, 1, 'running', { node: 'b' }), task(o, 2, 'running', { node: 'b' })];
    const plan = schedule({ nodes: nodeMap([node('a'), node('b'), node('c')]), services: serviceMap([s, o]), tasks: existing, pending: [task(s, 2, 'new'), task(s, 3, 'new')] });
    expect(plan.assign.map((a) => a.nodeId)).toEqual(['c', 'b']);
  });

  it('ignores finished tasks and counts tasks being stopped only for what they hold', () => {
    const s = service('s', 2, { Resources: { Reservations: { MemoryBytes: 3 * 1024 ** 3 } } });
    const existing = [task(s, 1, 'failed', { node: 'a' }), task(s, 1, 'running', { node: 'b', desired: 'shutdown' })];
    const plan = schedule({ nodes: nodeMap([node('a'), node('b')]), services: serviceMap([s]), tasks: existing, pending: pendingOf(s, 2) });
    expect(plan.assign.map((a) => a.nodeId)).toEqual(['a']);
    expect(plan.unschedulable.map((u) => u.reason)).toEqual(['no suitable node (insufficient resources on 2 nodes)']);
  });

  it('places several services in one pass, each seeing what the previous placed', () => {
    const s = service('s', 2);
    const o = service('o', 2);
    const plan = schedule({ nodes: nodeMap([node('a'), node('b')]), services: serviceMap([s, o]), tasks: [], pending: [...pendingOf(s, 1), ...pendingOf(o, 1)] });
    expect(plan.assign.map((a) => [a.task.ServiceID, a.nodeId])).toEqual([
      ['s', 'a'],
      ['o', 'b'],
    ]);
  });

  it('counts a pending task found among all tasks only once', () => {
    const s = service('s', 1, { Resources: { Reservations: { NanoCPUs: 2e9 } } });
    const p = { ...task(s, 0, 'new'), NodeID: 'a' };
    const plan = schedule({ nodes: nodeMap([node('a')]), services: serviceMap([s]), tasks: [p], pending: [p] });
    expect(plan.assign.map((a) => a.nodeId)).toEqual(['a']);
  });

  it('puts last a node where the service failed 5 times in the last 5 minutes (when given the time)', () => {
    const s = service('s', 2);
    const now = Date.parse('2026-01-01T00:10:00.000Z');
    const fails = (n: string, at: number) => Array.from({ length: 5 }, () => task(s, 9, 'failed', { node: n, at, desired: 'shutdown' }));
    const ns = nodeMap([node('a'), node('b')]);
    const recent = schedule({ nodes: ns, services: serviceMap([s]), tasks: fails('a', now - 60_000), pending: pendingOf(s, 2), now });
    expect(recent.assign.map((a) => a.nodeId)).toEqual(['b', 'b']);
    const old = schedule({ nodes: ns, services: serviceMap([s]), tasks: fails('a', now - 600_000), pending: pendingOf(s, 2), now });
    expect(old.assign.map((a) => a.nodeId)).toEqual(['a', 'b']);
    const noClock = schedule({ nodes: ns, services: serviceMap([s]), tasks: fails('a', now - 60_000), pending: pendingOf(s, 2) });
    expect(noClock.assign.map((a) => a.nodeId)).toEqual(['a', 'b']);
  });

  it('checks each task against its own spec (old and new specs pending during an update)', () => {
    const s = service('s', 2);
    const fresh = { ...task(s, 1, 'new'), SpecVersion: { Index: 5 } };
    const older = { ...task(s, 2, 'new'), SpecVersion: { Index: 4 }, Spec: { ...s.Spec.TaskTemplate, Resources: { Reservations: { NanoCPUs: 8e9 } } } };
    const plan = schedule({ nodes: nodeMap([node('a')]), services: serviceMap([s]), tasks: [], pending: [older, fresh] });
    expect(plan.assign.map((a) => a.task.ID)).toEqual([fresh.ID]);
    expect(plan.unschedulable.map((u) => [u.task.ID, u.reason])).toEqual([[older.ID, 'no suitable node (insufficient resources on 1 node)']]);
  });

  it('skips tasks whose service is gone (the orchestrator deletes them)', () => {
    const s = service('s', 1);
    expect(schedule({ nodes: nodeMap([node('a')]), services: new Map(), tasks: [], pending: pendingOf(s, 1) })).toEqual({ assign: [], unschedulable: [] });
  });
});

describe('schedule: why a task fits nowhere', () => {
  const drained = (id: string) => node(id, { availability: 'drain' });
  it.each<[string, SwarmNode[], Partial<Service['Spec']['TaskTemplate']>, string]>([
    ['drained and paused nodes', [drained('a'), node('b', { availability: 'pause' })], {}, 'no suitable node (2 nodes not available for new tasks)'],
    ['a down node', [node('a', { state: 'down' })], {}, 'no suitable node (1 node not available for new tasks)'],
    ['down and drained count as one reason', [node('a', { state: 'down' }), drained('b')], {}, 'no suitable node (2 nodes not available for new tasks)'],
    ['constraints', [node('a', { labels: { zone: 'x' } })], { Placement: { Constraints: ['node.labels.zone==nowhere'] } }, 'no suitable node (scheduling constraints not satisfied on 1 node)'],
    ['a constraint that does not parse', [node('a')], { Placement: { Constraints: ['zone=x'] } }, 'no suitable node (scheduling constraints not satisfied on 1 node)'],
    ['resources', [node('a')], { Resources: { Reservations: { NanoCPUs: 8e9 } } }, 'no suitable node (insufficient resources on 1 node)'],
    ['platform', [node('a')], { Placement: { Platforms: [{ OS: 'windows' }] } }, 'no suitable node (unsupported platform on 1 node)'],
    ['no nodes at all', [], {}, 'no suitable node'],
    [
      'most refusals first',
      [node('a'), node('b'), node('c'), drained('d')],
      { Placement: { Constraints: ['node.role==manager'] } },
      'no suitable node (scheduling constraints not satisfied on 3 nodes; 1 node not available for new tasks)',
    ],
    [
      'a node is charged to the first filter it fails (readiness, then resources, then constraints)',
      [node('a', { state: 'down', role: 'worker' }), node('b'), node('c'), node('d', { role: 'manager' })],
      { Resources: { Reservations: { NanoCPUs: 3e9 } }, Placement: { Constraints: ['node.role==manager'] } },
      'no suitable node (insufficient resources on 3 nodes; 1 node not available for new tasks)',
    ],
  ])('%s', (_n, ns, over, reason) => {
    const s = service('s', 1, over);
    const plan = schedule({ nodes: nodeMap(ns), services: serviceMap([s]), tasks: [], pending: pendingOf(s, 1) });
    expect(plan.assign).toEqual([]);
    expect(plan.unschedulable.map((u) => u.reason)).toEqual([reason]);
  });
});

describe('schedule: filters that depend on what is placed', () => {
  it('honours max replicas per node, in Docker words', () => {
    const s = service('s', 5, { Placement: { MaxReplicas: 2 } });
    const plan = schedule({ nodes: nodeMap([node('a'), node('b')]), services: serviceMap([s]), tasks: [task(s, 9, 'running', { node: 'a' })], pending: pendingOf(s, 5) });
    expect(perNode(plan)).toEqual({ a: 1, b: 2 });
    expect(plan.unschedulable.map((u) => u.reason)).toEqual(Array(2).fill('no suitable node (max replicas per node limit exceed)'));
  });

  it('counts reservations of tasks already there and of tasks it just placed', () => {
    const s = service('s', 3, { Resources: { Reservations: { MemoryBytes: 2 * 1024 ** 3 } } });
    const plan = schedule({ nodes: nodeMap([node('a'), node('b')]), services: serviceMap([s]), tasks: [task(s, 9, 'running', { node: 'a' })], pending: pendingOf(s, 4) });
    expect(perNode(plan)).toEqual({ a: 1, b: 2 });
    expect(plan.unschedulable.map((u) => u.reason)).toEqual(['no suitable node (insufficient resources on 2 nodes)']);
  });

  it('binds a host-mode port once per node, across services', () => {
    const port = { EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' as const }] } };
    const s = service('s', 3, {}, port);
    const o = service('o', 1, {}, port);
    const udp = service('u', 1, {}, { EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 8080, PublishMode: 'host', Protocol: 'udp' }] } });
    const plan = schedule({
      nodes: nodeMap([node('a'), node('b'), node('c')]),
      services: serviceMap([s, o, udp]),
      tasks: [task(o, 1, 'running', { node: 'c' })],
      pending: [...pendingOf(s, 3), ...pendingOf(udp, 1)],
    });
    expect(plan.assign.map((a) => [a.task.ServiceID, a.nodeId])).toEqual([
      ['s', 'a'],
      ['s', 'b'],
      ['u', 'a'],
    ]);
    expect(plan.unschedulable.map((u) => u.reason)).toEqual(['no suitable node (host-mode port already in use on 3 nodes)']);
  });

  it('ingress ports do not tie a task to a node', () => {
    const s = service('s', 3, {}, { EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 8080 }] } });
    expect(schedule({ nodes: nodeMap([node('a')]), services: serviceMap([s]), tasks: [], pending: pendingOf(s, 3) }).assign).toHaveLength(3);
  });
});

describe('schedule: tasks that come with their node (global)', () => {
  const g = service('g', 'global', { Resources: { Reservations: { NanoCPUs: 1e9 } } });
  const on = (n: string) => ({ ...task(g, 0, 'new'), NodeID: n });
  it('assigns a task to its own node when the node passes the filters', () => {
    const plan = schedule({ nodes: nodeMap([node('a'), node('b')]), services: serviceMap([g]), tasks: [], pending: [on('b')] });
    expect(plan.assign.map((a) => a.nodeId)).toEqual(['b']);
  });
  it.each([
    ['a paused node', [node('a', { availability: 'pause' })], 'no suitable node (1 node not available for new tasks)'],
    ['a full node', [node('a', { Description: { ...node('a').Description, Resources: { NanoCPUs: 5e8, MemoryBytes: 1 } } })], 'no suitable node (insufficient resources on 1 node)'],
    ['a node that is gone', [], 'no suitable node'],
  ])('keeps it pending on %s', (_n, ns, reason) => {
    const plan = schedule({ nodes: nodeMap(ns), services: serviceMap([g]), tasks: [], pending: [on('a')] });
    expect(plan.unschedulable.map((u) => u.reason)).toEqual([reason]);
  });
});

describe('schedule: placement preferences', () => {
  const zoned = (zones: Record<string, string[]>) => Object.entries(zones).flatMap(([z, ids]) => ids.map((id) => node(id, { labels: { zone: z } })));
  const spread = (...d: string[]) => ({ Placement: { Preferences: d.map((x) => ({ Spread: { SpreadDescriptor: x } })) } });
  const byZone = (plan: SchedulePlan, ns: SwarmNode[]) => {
    const z: Record<string, number> = {};
    for (const a of plan.assign) {
      const k = ns.find((n) => n.ID === a.nodeId)!.Spec.Labels.zone ?? '';
      z[k] = (z[k] ?? 0) + 1;
    }
    return z;
  };

  it('spreads over label values before nodes: 6 tasks on zones of 1, 2 and 3 nodes go 2/2/2', () => {
    const ns = zoned({ x: ['x1'], y: ['y1', 'y2'], z: ['z1', 'z2', 'z3'] });
    const s = service('s', 6, spread('node.labels.zone'));
    const plan = schedule({ nodes: nodeMap(ns), services: serviceMap([s]), tasks: [], pending: pendingOf(s, 6) });
    expect(byZone(plan, ns)).toEqual({ x: 2, y: 2, z: 2 });
    expect(perNode(plan)).toEqual({ x1: 2, y1: 1, y2: 1, z1: 1, z2: 1 });
  });

  it('fills the emptiest zone first, counting what already runs', () => {
    const ns = zoned({ x: ['x1'], y: ['y1'] });
    const s = service('s', 4, spread('node.labels.zone'));
    const existing = [task(s, 1, 'running', { node: 'x1' }), task(s, 2, 'running', { node: 'x1' })];
    const plan = schedule({ nodes: nodeMap(ns), services: serviceMap([s]), tasks: existing, pending: pendingOf(s, 2, 3) });
    expect(byZone(plan, ns)).toEqual({ y: 2 });
  });

  it('nodes without the label form their own group', () => {
    const ns = [...zoned({ x: ['x1', 'x2'] }), node('bare')];
    const s = service('s', 4, spread('node.labels.zone'));
    const plan = schedule({ nodes: nodeMap(ns), services: serviceMap([s]), tasks: [], pending: pendingOf(s, 4) });
    expect(perNode(plan)).toEqual({ bare: 2, x1: 1, x2: 1 });
  });

  it('when a zone is full, the rest go elsewhere', () => {
    const ns = zoned({ x: ['x1'], y: ['y1'] });
    const s = service('s', 4, { ...spread('node.labels.zone'), Placement: { ...spread('node.labels.zone').Placement, MaxReplicas: 1 } });
    const plan = schedule({ nodes: nodeMap([...ns, node('z1', { labels: { zone: 'z' } })]), services: serviceMap([s]), tasks: [], pending: pendingOf(s, 4) });
    expect(perNode(plan)).toEqual({ x1: 1, y1: 1, z1: 1 });
    expect(plan.unschedulable).toHaveLength(1);
  });

  it('nests preferences: region, then zone', () => {
    const ns = [
      node('a1', { labels: { region: 'eu', zone: 'a' } }),
      node('a2', { labels: { region: 'eu', zone: 'a' } }),
      node('b1', { labels: { region: 'eu', zone: 'b' } }),
      node('c1', { labels: { region: 'us', zone: 'c' } }),
    ];
    const s = service('s', 4, spread('node.labels.region', 'node.labels.zone'));
    const plan = schedule({ nodes: nodeMap(ns), services: serviceMap([s]), tasks: [], pending: pendingOf(s, 4) });
    expect(perNode(plan)).toEqual({ a1: 1, b1: 1, c1: 2 });
  });
});
