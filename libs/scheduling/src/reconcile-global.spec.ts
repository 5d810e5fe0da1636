import { describe, expect, it } from 'vitest';
import type { SwarmNode, Task } from '@flotilla/contracts';
import { reconcile } from './reconcile';
import { T0, applyPlan, node, reconcileInput as input, service, task } from './test-fixtures';

const nodesOf = (ts: Task[]) => ts.map((t) => t.NodeID).sort();

describe('reconcile: global', () => {
  it('creates one task per eligible node, with its node set and no slot', () => {
    const s = service('g', 'global', { Placement: { Constraints: ['node.labels.zone!=b'], Platforms: [{ OS: 'linux', Architecture: 'amd64' }] } });
    const ns: SwarmNode[] = [
      node('a', { labels: { zone: 'a' } }),
      node('b', { labels: { zone: 'b' } }),
      node('c', { state: 'down' }),
      node('d', { availability: 'drain' }),
      node('e'),
      node('f', { Description: { Hostname: 'f', Platform: { OS: 'windows', Architecture: 'x86_64' }, Resources: { NanoCPUs: 1, MemoryBytes: 1 }, Engine: { EngineVersion: '1' } } }),
      node('g', { availability: 'pause' }),
      node('h', { state: 'unknown' }),
    ];
    const plan = reconcile(input([s], [], ns));
    expect(nodesOf(plan.create)).toEqual(['a', 'e']);
    expect(plan.create.every((t) => t.Slot === undefined && t.DesiredState === 'running' && t.Status.State === 'new')).toBe(true);
  });

  it.each<[string, SwarmNode]>([
    ['drained', node('a', { availability: 'drain' })],
    ['down', node('a', { state: 'down' })],
    ['constrained out', node('a', { role: 'manager' })],
  ])('stops the task of a node that is now %s and starts none', (_n, a) => {
    const s = service('g', 'global', { Placement: { Constraints: ['node.role==worker'] } });
    const t = task(s, 0, 'running', { node: 'a' });
    const plan = reconcile(input([s], [t], [a]));
    expect(plan.update.map((u) => [u.ID, u.DesiredState])).toEqual([[t.ID, 'shutdown']]);
    expect(plan.create).toEqual([]);
  });

  it.each<[string, SwarmNode]>([
    ['paused', node('a', { availability: 'pause' })],
    ['not reporting yet', node('a', { state: 'unknown' })],
  ])('a %s node keeps its task and gets no new one after a failure', (_n, a) => {
    const s = service('g', 'global', { RestartPolicy: { Delay: 0 } });
    const running = task(s, 0, 'running', { node: 'a' });
    expect(reconcile(input([s], [running], [a]))).toEqual({ create: [], update: [], delete: [] });
    expect(reconcile(input([s], [task(s, 0, 'failed', { node: 'a' })], [a], T0 + 1000)).create).toEqual([]);
  });

  it('stops, then forgets, the tasks of a node that left the cluster', () => {
    const s = service('g', 'global');
    const t = task(s, 0, 'running', { node: 'gone' });
    const plan = reconcile(input([s], [t], [node('a')]));
    expect(plan.update.map((u) => [u.ID, u.DesiredState])).toEqual([[t.ID, 'shutdown']]);
    expect(nodesOf(plan.create)).toEqual(['a']);
    const stopped = applyPlan([t], plan).map((x) => (x.ID === t.ID ? { ...x, Status: { ...x.Status, State: 'shutdown' as const } } : x));
    expect(reconcile(input([s], stopped, [node('a')])).delete.map((x) => x.ID)).toEqual([t.ID]);
  });

  it('restarts a failed task on the same node after the delay', () => {
    const s = service('g', 'global', { RestartPolicy: { Delay: 2e9 } });
    const t = task(s, 0, 'failed', { node: 'a', at: T0 });
    expect(reconcile(input([s], [t], [node('a')], T0 + 1000)).wakeAt).toBe(T0 + 2000);
    expect(nodesOf(reconcile(input([s], [t], [node('a')], T0 + 2000)).create)).toEqual(['a']);
  });

  it('rolls an update node by node', () => {
    const s = service('g', 'global', { ContainerSpec: { Image: 'new' } });
    const ts = ['a', 'b'].map((n) => ({ ...task(s, 0, 'running', { node: n }), Spec: { ContainerSpec: { Image: 'old' } } }));
    const plan = reconcile(input([s], ts, [node('a'), node('b')]));
    expect(plan.update.map((u) => [u.NodeID, u.DesiredState])).toEqual([['a', 'shutdown']]);
    expect(nodesOf(plan.create)).toEqual(['a']);
  });

  it('keeps history per node', () => {
    const s = service('g', 'global');
    const dead = [1, 2, 3].map((i) => task(s, 0, 'failed', { node: 'a', at: T0 + i, desired: 'shutdown' }));
    const other = task(s, 0, 'failed', { node: 'b', at: T0, desired: 'shutdown' });
    const live = ['a', 'b'].map((n) => task(s, 0, 'running', { node: n, at: T0 + 10 }));
    const plan = reconcile(input([s], [...dead, other, ...live], [node('a'), node('b')], T0 + 100, { historyLimit: 2 }));
    expect(plan.delete.map((t) => t.ID)).toEqual(dead.slice(0, 2).map((t) => t.ID));
  });

  it('stops tasks left over from a replicated past (they carry a slot)', () => {
    const s = service('g', 'global');
    const t = task(s, 3, 'running', { node: 'a' });
    const plan = reconcile(input([s], [t], [node('a')]));
    expect(plan.update.map((u) => [u.ID, u.DesiredState])).toEqual([[t.ID, 'shutdown']]);
    expect(nodesOf(plan.create)).toEqual(['a']);
  });
});
