import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isTerminal, type Service, type SwarmNode, type Task } from '@flotilla/contracts';
import { reconcile, type ReconcileInput, type ReconcilePlan } from './reconcile';
import { T0, ids, node, service, task } from './test-fixtures';

function input(services: Service[], tasks: Task[], nodes: SwarmNode[], now = T0, extra: Partial<ReconcileInput> = {}): ReconcileInput {
  return {
    services,
    tasksOfService: (id) => tasks.filter((t) => t.ServiceID === id),
    nodes: new Map(nodes.map((n) => [n.ID, n])),
    now,
    newId: ids('new'),
    historyLimit: 5,
    ...extra,
  };
}

/** Applies a plan the way the store would (creates land, updates replace, deletes go). */
function apply(tasks: Task[], plan: ReconcilePlan): Task[] {
  const byId = new Map(tasks.map((t) => [t.ID, t]));
  for (const t of plan.update) byId.set(t.ID, t);
  for (const t of plan.delete) byId.delete(t.ID);
  for (const t of plan.create) byId.set(t.ID, t);
  return [...byId.values()];
}

const live = (ts: Task[]) => ts.filter((t) => t.DesiredState === 'running' && !isTerminal(t.Status.State));

describe('reconcile: replicated', () => {
  const nodes = [node('a'), node('b')];

  it('creates one task per missing slot, numbered 1..N, desired running', () => {
    const s = service('s', 3);
    const plan = reconcile(input([s], [], nodes));
    expect(plan.create.map((t) => [t.Slot, t.Status.State, t.DesiredState, t.ServiceName])).toEqual([
      [1, 'new', 'running', 'svc-s'],
      [2, 'new', 'running', 'svc-s'],
      [3, 'new', 'running', 'svc-s'],
    ]);
    expect(plan.update).toEqual([]);
  });

  it('shuts down the highest slots on scale down', () => {
    const s = service('s', 1);
    const ts = [1, 2, 3].map((i) => task(s, i, 'running', { node: 'a' }));
    const plan = reconcile(input([s], ts, nodes));
    expect(plan.update.map((t) => [t.Slot, t.DesiredState])).toEqual([
      [2, 'shutdown'],
      [3, 'shutdown'],
    ]);
    expect(plan.create).toEqual([]);
  });

  it('replaces a task whose spec is stale (rolling to the new template)', () => {
    const s = service('s', 1);
    const old = { ...task(s, 1, 'running', { node: 'a' }), Spec: { ContainerSpec: { Image: 'old' } } };
    const plan = reconcile(input([s], [old], nodes));
    expect(plan.update.map((t) => [t.ID, t.DesiredState])).toEqual([[old.ID, 'shutdown']]);
    expect(plan.create.map((t) => t.Spec.ContainerSpec.Image)).toEqual(['img']);
  });

  it('replaces tasks of a down or drained node at once', () => {
    const s = service('s', 2);
    const ns = [node('a', { state: 'down' }), node('b', { Spec: { Labels: {}, Role: 'worker', Availability: 'drain' } })];
    const ts = [task(s, 1, 'running', { node: 'a' }), task(s, 2, 'running', { node: 'b' })];
    const plan = reconcile(input([s], ts, ns));
    expect(plan.update.map((t) => t.DesiredState)).toEqual(['shutdown', 'shutdown']);
    expect(plan.create.map((t) => t.Slot).sort()).toEqual([1, 2]);
  });

  it.each<[string, 'any' | 'on-failure' | 'none', 'failed' | 'complete', boolean]>([
    ['any restarts a failed task', 'any', 'failed', true],
    ['any restarts a completed task', 'any', 'complete', true],
    ['on-failure restarts a failed task', 'on-failure', 'failed', true],
    ['on-failure leaves a completed task', 'on-failure', 'complete', false],
    ['none never restarts', 'none', 'failed', false],
  ])('restart policy: %s', (_n, cond, state, restarts) => {
    const s = service('s', 1, { RestartPolicy: { Condition: cond, Delay: 0 } });
    const t = task(s, 1, state, { node: 'a' });
    const plan = reconcile(input([s], [t], nodes, T0 + 10));
    expect(plan.create.length).toBe(restarts ? 1 : 0);
    expect(plan.update.map((u) => u.DesiredState)).toEqual(['shutdown']);
  });

  it('waits for the restart delay and says when to wake', () => {
    const s = service('s', 1, { RestartPolicy: { Condition: 'any', Delay: 5e9 } });
    const t = task(s, 1, 'failed', { node: 'a', at: T0 });
    const early = reconcile(input([s], [t], nodes, T0 + 1000));
    expect(early.create).toEqual([]);
    expect(early.wakeAt).toBe(T0 + 5000);
    const due = reconcile(input([s], [{ ...t, DesiredState: 'shutdown' }], nodes, T0 + 5000));
    expect(due.create).toHaveLength(1);
  });

  it('stops restarting after MaxAttempts', () => {
    const s = service('s', 1, { RestartPolicy: { Condition: 'any', Delay: 0, MaxAttempts: 2 } });
    const ts: Task[] = [1, 2, 3].map((i) => task(s, 1, 'failed', { node: 'a', at: T0 + i, desired: i === 3 ? 'running' : 'shutdown' }));
    expect(reconcile(input([s], ts, nodes, T0 + 100)).create).toEqual([]);
  });

  it('keeps at most historyLimit tasks per slot, dropping the oldest dead ones', () => {
    const s = service('s', 1);
    const dead = [1, 2, 3, 4, 5, 6].map((i) => ({ ...task(s, 1, 'failed', { node: 'a', at: T0 + i }), DesiredState: 'shutdown' as const }));
    const current = task(s, 1, 'running', { node: 'a', at: T0 + 100 });
    const plan = reconcile(input([s], [...dead, current], nodes, T0 + 1000, { historyLimit: 5 }));
    expect(plan.delete.map((t) => t.ID)).toEqual(dead.slice(0, 2).map((t) => t.ID));
  });

  it('removes the tasks of a removed service: live ones desired remove, dead ones deleted', () => {
    const s = service('gone', 2);
    const running = task(s, 1, 'running', { node: 'a' });
    const dead = task(s, 2, 'failed', { node: 'a' });
    const never = task(s, 3, 'pending');
    const plan = reconcile(input([], [], nodes, T0, { orphanTasks: [running, dead, never] }));
    expect(plan.update.map((t) => [t.ID, t.DesiredState])).toEqual([[running.ID, 'remove']]);
    expect(plan.delete.map((t) => t.ID).sort()).toEqual([dead.ID, never.ID].sort());
  });
});

describe('reconcile: global', () => {
  it('runs one task per eligible node, none on drained, down or constrained-out nodes', () => {
    const s = service('g', 'global', { Placement: { Constraints: ['node.labels.zone!=b'] } });
    const ns = [
      node('a', { labels: { zone: 'a' } }),
      node('b', { labels: { zone: 'b' } }),
      node('c', { state: 'down' }),
      node('d', { Spec: { Labels: {}, Role: 'worker', Availability: 'drain' } }),
      node('e'),
    ];
    const plan = reconcile(input([s], [], ns));
    expect(plan.create.map((t) => t.NodeID).sort()).toEqual(['a', 'e']);
  });

  it('stops the task on a node that becomes ineligible', () => {
    const s = service('g', 'global');
    const t = task(s, 0, 'running', { node: 'a' });
    const plan = reconcile(input([s], [t], [node('a', { Spec: { Labels: {}, Role: 'worker', Availability: 'drain' } })]));
    expect(plan.update.map((u) => u.DesiredState)).toEqual(['shutdown']);
    expect(plan.create).toEqual([]);
  });
});

describe('reconcile: properties', () => {
  const arb = fc.record({
    replicas: fc.integer({ min: 0, max: 12 }),
    existing: fc.array(
      fc.record({
        slot: fc.integer({ min: 1, max: 15 }),
        state: fc.constantFrom('new', 'assigned', 'running', 'failed', 'complete', 'shutdown' as const),
        desired: fc.constantFrom('running', 'shutdown' as const),
        node: fc.constantFrom('a', 'b', 'c'),
      }),
      { maxLength: 20 },
    ),
    downNode: fc.boolean(),
  });

  it('after applying its plan, a service never has more than N live tasks and every slot 1..N has exactly one', () => {
    fc.assert(
      fc.property(arb, ({ replicas, existing, downNode }) => {
        const s = service('s', replicas, { RestartPolicy: { Condition: 'any', Delay: 0 } });
        const ns = [node('a'), node('b', { state: downNode ? 'down' : 'ready' }), node('c')];
        let tasks = existing.map((e) => task(s, e.slot, e.state, { node: e.node, desired: e.desired }));
        for (let round = 0; round < 3; round++) tasks = apply(tasks, reconcile(input([s], tasks, ns, T0 + 1e9)));
        const l = live(tasks);
        const slots = l.map((t) => t.Slot).sort((a, b) => a! - b!);
        expect(slots).toEqual(Array.from({ length: replicas }, (_, i) => i + 1));
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent: reconciling the result of its own plan changes nothing', () => {
    fc.assert(
      fc.property(arb, ({ replicas, existing }) => {
        const s = service('s', replicas, { RestartPolicy: { Condition: 'any', Delay: 0 } });
        const ns = [node('a'), node('b'), node('c')];
        let tasks = existing.map((e) => task(s, e.slot, e.state, { node: e.node, desired: e.desired }));
        for (let round = 0; round < 4; round++) tasks = apply(tasks, reconcile(input([s], tasks, ns, T0 + 1e9)));
        const last = reconcile(input([s], tasks, ns, T0 + 1e9));
        expect([last.create.length, last.update.length]).toEqual([0, 0]);
      }),
      { numRuns: 300 },
    );
  });
});
