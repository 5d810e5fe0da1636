import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SwarmNode, Task } from '@flotilla/contracts';
import { schedule } from './schedule';
import { parseConstraint } from './constraint';
import { node, service, task } from './test-fixtures';

const nodesMap = (ns: SwarmNode[]) => new Map(ns.map((n) => [n.ID, n]));

describe('schedule', () => {
  it('spreads 20 replicas over 3 nodes as 7/7/6', () => {
    const s = service('s', 20);
    const pending = Array.from({ length: 20 }, (_, i) => task(s, i + 1, 'new'));
    const plan = schedule({ nodes: nodesMap([node('a'), node('b'), node('c')]), services: new Map([[s.ID, s]]), tasks: [], pending });
    const count = new Map<string, number>();
    for (const a of plan.assign) count.set(a.nodeId, (count.get(a.nodeId) ?? 0) + 1);
    expect([...count.values()].sort()).toEqual([6, 7, 7]);
  });

  it('puts a new task where the service has fewest tasks, then where there are fewest overall', () => {
    const s = service('s', 3);
    const other = service('o', 3);
    const existing: Task[] = [task(s, 1, 'running', { node: 'a' }), task(other, 1, 'running', { node: 'b' }), task(other, 2, 'running', { node: 'b' })];
    const plan = schedule({
      nodes: nodesMap([node('a'), node('b'), node('c')]),
      services: new Map([
        [s.ID, s],
        [other.ID, other],
      ]),
      tasks: existing,
      pending: [task(s, 2, 'new'), task(s, 3, 'new')],
    });
    expect(plan.assign.map((a) => a.nodeId)).toEqual(['c', 'b']);
  });

  it.each<[string, SwarmNode[], Partial<Parameters<typeof service>[2]>, string]>([
    ['drained and paused nodes', [node('a', { Spec: { Labels: {}, Role: 'worker', Availability: 'drain' } }), node('b', { Spec: { Labels: {}, Role: 'worker', Availability: 'pause' } })], {}, 'no suitable node (not available for new tasks on 2 nodes)'],
    ['down nodes', [node('a', { state: 'down' })], {}, 'no suitable node (node not ready on 1 node)'],
    ['constraints', [node('a', { labels: { zone: 'x' } })], { Placement: { Constraints: ['node.labels.zone==nowhere'] } }, 'no suitable node (scheduling constraints not satisfied on 1 node)'],
    ['resources', [node('a')], { Resources: { Reservations: { NanoCPUs: 8e9 } } }, 'no suitable node (insufficient resources on 1 node)'],
    ['no nodes at all', [], {}, 'no suitable node (no nodes available)'],
  ])('a task that fits nowhere stays pending and says why: %s', (_n, ns, over, reason) => {
    const s = service('s', 1, over);
    const plan = schedule({ nodes: nodesMap(ns), services: new Map([[s.ID, s]]), tasks: [], pending: [task(s, 1, 'new')] });
    expect(plan.assign).toEqual([]);
    expect(plan.unschedulable.map((u) => u.reason)).toEqual([reason]);
  });

  it('honours max replicas per node', () => {
    const s = service('s', 5, { Placement: { MaxReplicas: 2 } });
    const plan = schedule({ nodes: nodesMap([node('a'), node('b')]), services: new Map([[s.ID, s]]), tasks: [], pending: [1, 2, 3, 4, 5].map((i) => task(s, i, 'new')) });
    expect(plan.assign).toHaveLength(4);
    expect(plan.unschedulable[0].reason).toBe('no suitable node (max replicas per node limit exceed on 2 nodes)');
  });

  it('counts reservations of tasks it just placed', () => {
    const s = service('s', 3, { Resources: { Reservations: { MemoryBytes: 3 * 1024 ** 3 } } });
    const plan = schedule({ nodes: nodesMap([node('a'), node('b')]), services: new Map([[s.ID, s]]), tasks: [], pending: [1, 2, 3].map((i) => task(s, i, 'new')) });
    expect(plan.assign.map((a) => a.nodeId).sort()).toEqual(['a', 'b']);
    expect(plan.unschedulable).toHaveLength(1);
  });

  it('never places on a drained node and stays even within one (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 60 }), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (n, replicas, drained) => {
        const ns = Array.from({ length: n }, (_, i) => node(`n${i}`, drained[i] ? { Spec: { Labels: {}, Role: 'worker', Availability: 'drain' } } : {}));
        const s = service('s', replicas);
        const plan = schedule({ nodes: nodesMap(ns), services: new Map([[s.ID, s]]), tasks: [], pending: Array.from({ length: replicas }, (_, i) => task(s, i + 1, 'new')) });
        const active = ns.filter((x) => x.Spec.Availability === 'active').map((x) => x.ID);
        for (const a of plan.assign) expect(active).toContain(a.nodeId);
        if (active.length === 0) {
          expect(plan.assign).toEqual([]);
          return;
        }
        const counts = active.map((id) => plan.assign.filter((a) => a.nodeId === id).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        expect(plan.assign.length).toBe(replicas);
      }),
      { numRuns: 300 },
    );
  });

  it('schedules 100,000 tasks on 1,000 nodes (time printed, not asserted)', () => {
    const ns = Array.from({ length: 1000 }, (_, i) => node(`n${i}`));
    const s = service('s', 100_000);
    const pending = Array.from({ length: 100_000 }, (_, i) => task(s, i + 1, 'new'));
    const t0 = performance.now();
    const plan = schedule({ nodes: nodesMap(ns), services: new Map([[s.ID, s]]), tasks: [], pending });
    const ms = performance.now() - t0;
    console.log(JSON.stringify({ bench: 'schedule', tasks: 100_000, nodes: 1000, ms: Math.round(ms) }));
    expect(plan.assign).toHaveLength(100_000);
  }, 120_000);
});

describe('parseConstraint', () => {
  it.each([
    ['node.role==manager', { key: 'node.role', op: '==', value: 'manager' }],
    ['node.labels.zone != a', { key: 'node.labels.zone', op: '!=', value: 'a' }],
  ])('%s', (expr, want) => expect(parseConstraint(expr)).toEqual(want));
  it('rejects an expression without operator', () => expect(() => parseConstraint('node.role=manager')).toThrow(/expected one operator from ==, !=/));
});
