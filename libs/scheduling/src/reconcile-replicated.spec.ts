import { describe, expect, it } from 'vitest';
import type { Task, UpdateConfig } from '@flotilla/contracts';
import { reconcile } from './reconcile';
import { T0, applyPlan, iso, node, reconcileInput as input, service, task } from './test-fixtures';

const nodes = [node('a'), node('b')];
const slotsOf = (ts: Task[]) => ts.map((t) => t.Slot);
const timestampOf = (t: Task) => Date.parse(t.Status.Timestamp);

describe('reconcile: replicated slots', () => {
  it('creates one task per missing slot with the fields a new task carries', () => {
    const s = service('s', 2, { Networks: [{ Target: 'front' }] });
    const plan = reconcile(input([s], [], nodes, T0 + 7));
    expect(plan.create[0]).toEqual({
      ID: 'new000001',
      Version: { Index: 0 },
      CreatedAt: iso(T0 + 7),
      UpdatedAt: iso(T0 + 7),
      Spec: s.Spec.TaskTemplate,
      ServiceID: 's',
      ServiceName: 'svc-s',
      Slot: 1,
      Status: { Timestamp: iso(T0 + 7), State: 'new', Message: 'created' },
      DesiredState: 'running',
      SpecVersion: { Index: 5 },
      NetworksAttachments: [{ Network: { ID: 'front', Spec: { Name: 'front' } } }],
    });
    expect(slotsOf(plan.create)).toEqual([1, 2]);
    expect(plan.create[1].NodeID).toBeUndefined();
  });

  it('changes nothing when every slot runs an up-to-date task', () => {
    const s = service('s', 2);
    const ts = [task(s, 1, 'running', { node: 'a' }), task(s, 2, 'pending')];
    expect(reconcile(input([s], ts, nodes))).toEqual({ create: [], update: [], delete: [] });
  });

  it('fills only the missing slot', () => {
    const s = service('s', 3);
    const ts = [task(s, 1, 'running', { node: 'a' }), task(s, 3, 'running', { node: 'b' })];
    expect(slotsOf(reconcile(input([s], ts, nodes)).create)).toEqual([2]);
  });

  it('shuts down the highest slots first on scale down, then forgets them once stopped', () => {
    const s = service('s', 1);
    const ts = [1, 2, 3].map((i) => task(s, i, 'running', { node: 'a' }));
    const plan = reconcile(input([s], ts, nodes));
    expect(plan.update.map((t) => [t.Slot, t.DesiredState])).toEqual([
      [3, 'shutdown'],
      [2, 'shutdown'],
    ]);
    expect(plan.create).toEqual([]);
    const stopped = applyPlan(ts, plan).map((t) => (t.DesiredState === 'shutdown' ? { ...t, Status: { ...t.Status, State: 'shutdown' as const } } : t));
    expect(slotsOf(reconcile(input([s], stopped, nodes)).delete).sort()).toEqual([2, 3]);
  });

  it('deletes at once the tasks it no longer wants that never reached a node (no worker will report them)', () => {
    const s = service('s', 1);
    const ts = [task(s, 1, 'running', { node: 'a' }), task(s, 2, 'pending'), task(s, 3, 'new')];
    const plan = reconcile(input([s], ts, nodes));
    expect(plan.update).toEqual([]);
    expect(slotsOf(plan.delete).sort()).toEqual([2, 3]);
  });

  it('a stale task still waiting for a node is replaced and deleted in one go', () => {
    const s = service('s', 1, { ContainerSpec: { Image: 'new' } });
    const stale = { ...task(s, 1, 'pending'), Spec: { ContainerSpec: { Image: 'old' } } };
    const plan = reconcile(input([s], [stale], nodes));
    expect(plan.delete.map((t) => t.ID)).toEqual([stale.ID]);
    expect(plan.update).toEqual([]);
    expect(slotsOf(plan.create)).toEqual([1]);
  });

  it('treats tasks without a slot as not belonging: stopped and deleted', () => {
    const s = service('s', 1);
    const stray = task(s, 0, 'running', { node: 'a' });
    const plan = reconcile(input([s], [stray], nodes));
    expect(plan.update.map((t) => [t.ID, t.DesiredState])).toEqual([[stray.ID, 'shutdown']]);
    expect(slotsOf(plan.create)).toEqual([1]);
  });

  it('an updated task is a copy with the new desired state, its version as read, and UpdatedAt now', () => {
    const s = service('s', 0);
    const t = task(s, 1, 'running', { node: 'a' });
    const plan = reconcile(input([s], [t], nodes, T0 + 42));
    expect(plan.update).toEqual([{ ...t, DesiredState: 'shutdown', UpdatedAt: iso(T0 + 42) }]);
    expect(plan.update[0].Version).toEqual(t.Version);
  });

  it('keeps the newest of two live up-to-date tasks in one slot', () => {
    const s = service('s', 1);
    const older = task(s, 1, 'running', { node: 'a' });
    const newer = task(s, 1, 'running', { node: 'b' });
    const plan = reconcile(input([s], [older, newer], nodes));
    expect(plan.update.map((t) => [t.ID, t.DesiredState])).toEqual([[older.ID, 'shutdown']]);
    expect(plan.create).toEqual([]);
  });

  it('does not see a spec with its keys reordered as a new spec', () => {
    const s = service('s', 1, { ContainerSpec: { Image: 'img', Env: ['A=1'] }, RestartPolicy: { Condition: 'any' } });
    const t = task(s, 1, 'running', { node: 'a' });
    const reordered: Task = { ...t, Spec: { RestartPolicy: { Condition: 'any', Delay: undefined }, ContainerSpec: { Env: ['A=1'], Image: 'img' } } };
    expect(reconcile(input([s], [reordered], nodes)).update).toEqual([]);
  });
});

describe('reconcile: nodes going away', () => {
  it.each([
    ['down', node('a', { state: 'down' })],
    ['drained', node('a', { availability: 'drain' })],
    ['removed', undefined],
  ])('a task on a %s node is shut down and replaced at once', (_n, a) => {
    const s = service('s', 1, { RestartPolicy: { Condition: 'any', Delay: 60e9 } });
    const t = task(s, 1, 'running', { node: 'a' });
    const plan = reconcile(input([s], [t], a ? [a, node('b')] : [node('b')]));
    expect(plan.update.map((u) => [u.ID, u.DesiredState])).toEqual([[t.ID, 'shutdown']]);
    expect(slotsOf(plan.create)).toEqual([1]);
    expect(plan.wakeAt).toBeUndefined();
  });

  it.each([
    ['paused', node('a', { availability: 'pause' })],
    ['disconnected', node('a', { state: 'disconnected' })],
  ])('a task on a %s node stays', (_n, a) => {
    const s = service('s', 1);
    expect(reconcile(input([s], [task(s, 1, 'running', { node: 'a' })], [a]))).toEqual({ create: [], update: [], delete: [] });
  });

  it.each(['any', 'none'] as const)('replaces an orphaned task at once (restart condition %s): it did not fail, its node did', (cond) => {
    const s = service('s', 1, { RestartPolicy: { Condition: cond, Delay: 60e9 } });
    const t = task(s, 1, 'orphaned', { node: 'a', at: T0 });
    const plan = reconcile(input([s], [t], [node('a', { state: 'down' })], T0 + 1));
    expect(plan.update.map((u) => [u.ID, u.DesiredState])).toEqual([[t.ID, 'shutdown']]);
    expect(slotsOf(plan.create)).toEqual([1]);
  });

  it.each<['any' | 'on-failure', 'failed' | 'complete', boolean]>([
    ['any', 'complete', true],
    ['on-failure', 'failed', true],
    ['on-failure', 'complete', false],
  ])('a task that ended (%s, %s) on a node since drained follows its policy, minus the delay', (cond, state, restarts) => {
    const s = service('s', 1, { RestartPolicy: { Condition: cond, Delay: 60e9 } });
    const t = task(s, 1, state, { node: 'a', at: T0 });
    const plan = reconcile(input([s], [t], [node('a', { availability: 'drain' })], T0 + 1));
    expect(slotsOf(plan.create)).toEqual(restarts ? [1] : []);
    expect(plan.wakeAt).toBeUndefined();
  });
});

describe('reconcile: rolling update', () => {
  const old = (s: ReturnType<typeof service>, slot: number, state: 'running' | 'pending' = 'running') => ({
    ...task(s, slot, state, { node: 'a' }),
    Spec: { ContainerSpec: { Image: 'old' } },
  });
  const svc = (update: UpdateConfig | undefined, replicas = 3) => service('s', replicas, { ContainerSpec: { Image: 'new' } }, update ? { UpdateConfig: update } : {});

  it.each<[string, UpdateConfig | undefined, number]>([
    ['one at a time by default', undefined, 1],
    ['Parallelism 2', { Parallelism: 2 }, 2],
    ['Parallelism 0: all at once', { Parallelism: 0 }, 3],
    ['Parallelism above the replica count', { Parallelism: 10 }, 3],
  ])('stop-first replaces stale tasks %s', (_n, update, n) => {
    const s = svc(update);
    const ts = [1, 2, 3].map((i) => old(s, i));
    const plan = reconcile(input([s], ts, nodes));
    expect(plan.update.map((t) => [t.Slot, t.DesiredState])).toEqual(ts.slice(0, n).map((t) => [t.Slot, 'shutdown']));
    expect(plan.create.map((t) => [t.Slot, t.Spec.ContainerSpec.Image])).toEqual(ts.slice(0, n).map((t) => [t.Slot, 'new']));
  });

  /** The retired old tasks have stopped (their worker reported it). */
  const oldStopped = (ts: Task[]) => ts.map((t) => (t.DesiredState === 'shutdown' ? { ...t, Status: { ...t.Status, State: 'shutdown' as const } } : t));

  it('waits for the new task to run before the next batch', () => {
    const s = svc({ Parallelism: 1 });
    let ts = [1, 2].map((i) => old(s, i));
    ts = applyPlan(ts, reconcile(input([s], ts, nodes)));
    expect(reconcile(input([s], ts, nodes))).toMatchObject({ create: [], update: [], delete: [] });
    ts = applyPlan(oldStopped(ts), reconcile(input([s], oldStopped(ts), nodes)));
    expect(reconcile(input([s], ts, nodes))).toEqual({ create: [], update: [], delete: [] });
    ts = ts.map((t) => (t.Spec.ContainerSpec.Image === 'new' ? { ...t, NodeID: 'b', Status: { ...t.Status, State: 'running' as const } } : t));
    const next = reconcile(input([s], ts, nodes));
    expect(next.update.map((t) => [t.Slot, t.DesiredState])).toEqual([[2, 'shutdown']]);
    expect(slotsOf(next.create)).toEqual([2]);
  });

  it('waits UpdateConfig.Delay after a batch runs before the next, and says when to wake', () => {
    const s = svc({ Parallelism: 1, Delay: 10e9 }, 2);
    let ts = [1, 2].map((i) => old(s, i));
    const first = reconcile(input([s], ts, nodes, T0));
    ts = applyPlan(oldStopped(applyPlan(ts, first)), reconcile(input([s], oldStopped(applyPlan(ts, first)), nodes, T0))).map((t) =>
      t.ID === first.create[0].ID ? { ...t, NodeID: 'b', Status: { ...t.Status, State: 'running' as const, Timestamp: iso(T0 + 1000) } } : t,
    );
    expect(reconcile(input([s], ts, nodes, T0 + 5000))).toEqual({ create: [], update: [], delete: [], wakeAt: T0 + 11_000 });
    expect(slotsOf(reconcile(input([s], ts, nodes, T0 + 11_000)).create)).toEqual([2]);
  });

  it('stop-first: the new task is held (desired ready, so neither placed nor started) until the old one stopped, as Swarm and 1.29 do', () => {
    const s = svc({ Parallelism: 1 }, 1);
    const o = old(s, 1);
    const first = reconcile(input([s], [o], nodes, T0));
    expect(first.update.map((t) => [t.ID, t.DesiredState])).toEqual([[o.ID, 'shutdown']]);
    expect(first.create.map((t) => [t.Slot, t.DesiredState, t.NodeID])).toEqual([[1, 'ready', undefined]]);
    let ts = applyPlan([o], first);
    // The old container still stops: held, with a wake for when it counts as stuck (its 10 s grace and a minute).
    expect(reconcile(input([s], ts, nodes, T0 + 5000))).toEqual({ create: [], update: [], delete: [], wakeAt: timestampOf(first.create[0]) + 70_000 });
    ts = oldStopped(ts);
    const release = reconcile(input([s], ts, nodes, T0 + 6000));
    expect(release.update.map((t) => [t.ID, t.DesiredState])).toEqual([[first.create[0].ID, 'running']]);
    expect(release.create).toEqual([]);
  });

  it('a held task is released without waiting when its predecessor is stuck, its node is down, or it was never placed', () => {
    const s = svc({ Parallelism: 1 }, 1);
    const o = old(s, 1);
    const first = reconcile(input([s], [o], nodes, T0));
    const ts = applyPlan([o], first);
    const created = timestampOf(first.create[0]);
    const released = (plan: ReturnType<typeof reconcile>) => plan.update.map((t) => [t.ID, t.DesiredState]);
    expect(released(reconcile(input([s], ts, nodes, created + 70_000)))).toEqual([[first.create[0].ID, 'running']]);
    expect(released(reconcile(input([s], ts, [node('a', { state: 'down' }), node('b')], T0 + 1000)))).toEqual([[first.create[0].ID, 'running']]);
    const unplaced = { ...old(s, 1, 'pending'), NodeID: undefined };
    const direct = reconcile(input([s], [unplaced], nodes, T0));
    expect(direct.create.map((t) => t.DesiredState)).toEqual(['running']);
  });

  it('held whatever pass retired the old task, and past a held task replaced again; a scale back up is not held', () => {
    const s = svc({ Parallelism: 1 }, 1);
    // The retirement committed in an earlier pass than the creation (a conflict cut the pass short).
    const retired = { ...old(s, 1), DesiredState: 'shutdown' as const };
    expect(reconcile(input([s], [retired], nodes, T0)).create.map((t) => t.DesiredState)).toEqual(['ready']);
    // Edited again while the replacement was held (never placed): the newest is held for the first one.
    const heldOld = { ...task(s, 1, 'new'), ID: 'held1', NodeID: undefined, DesiredState: 'ready' as const, Spec: { ContainerSpec: { Image: 'middle' } } };
    const again = reconcile(input([s], [retired, heldOld], nodes, T0));
    expect(again.delete.map((t) => t.ID)).toEqual(['held1']);
    expect(again.create.map((t) => t.DesiredState)).toEqual(['ready']);
    // Scaled to 0 and back: the stopping task has the service's own spec, nothing to wait for.
    const same = { ...task(s, 1, 'running', { node: 'a' }), Spec: s.Spec.TaskTemplate, DesiredState: 'shutdown' as const };
    expect(reconcile(input([s], [same], nodes, T0)).create.map((t) => t.DesiredState)).toEqual(['running']);
  });

  it('start-first is not held: the new task starts while the old one runs', () => {
    const s = svc({ Parallelism: 1, Order: 'start-first' }, 1);
    expect(reconcile(input([s], [old(s, 1)], nodes, T0)).create.map((t) => t.DesiredState)).toEqual(['running']);
  });

  it('a new task that keeps failing holds the update back: a bad image stops at one batch', () => {
    const s = svc({ Parallelism: 1 }, 3);
    let ts = [1, 2, 3].map((i) => old(s, i));
    // Fixture tasks are created a little after T0; the update comes later.
    const at = T0 + 3_600_000;
    const first = reconcile(input([s], ts, nodes, at));
    const crashed = (t: Task) => ({ ...t, NodeID: 'b', Status: { ...t.Status, State: 'failed' as const, Timestamp: iso(at + 1000) } });
    ts = applyPlan(ts, first).map((t) => (t.ID === first.create[0].ID ? crashed(t) : t));
    // Waiting for its restart delay: nothing else rolls.
    expect(reconcile(input([s], ts, nodes, at + 2000))).toEqual({ create: [], update: [], delete: [], wakeAt: at + 6000 });
    // Restarted: the slot is in flight again, still nothing else rolls.
    const restart = reconcile(input([s], ts, nodes, at + 6000));
    expect(slotsOf(restart.create)).toEqual([1]);
    expect(restart.update.map((t) => t.Slot)).toEqual([1]);
  });

  it('FailureAction continue: a failing new task does not hold the update back', () => {
    const s = svc({ Parallelism: 1, FailureAction: 'continue' }, 2);
    let ts = [1, 2].map((i) => old(s, i));
    const at = T0 + 3_600_000;
    const first = reconcile(input([s], ts, nodes, at));
    ts = applyPlan(ts, first).map((t) =>
      t.ID === first.create[0].ID ? { ...t, NodeID: 'b', Status: { ...t.Status, State: 'failed' as const, Timestamp: iso(at + 1000) } } : t,
    );
    expect(slotsOf(reconcile(input([s], ts, nodes, at + 2000)).create)).toEqual([2]);
  });

  it('the update delay does not hold back a service that is not updating', () => {
    const s = svc({ Parallelism: 1, Delay: 10e9 }, 1);
    const t = { ...task(s, 1, 'running', { node: 'a' }), Spec: s.Spec.TaskTemplate };
    expect(reconcile(input([s], [t], nodes, T0))).toEqual({ create: [], update: [], delete: [] });
  });

  it('start-first starts the new task and stops the old one only once the new one runs', () => {
    const s = svc({ Parallelism: 1, Order: 'start-first' }, 1);
    const o = old(s, 1);
    const first = reconcile(input([s], [o], nodes));
    expect(first.update).toEqual([]);
    expect(first.create.map((t) => [t.Slot, t.Spec.ContainerSpec.Image])).toEqual([[1, 'new']]);
    let ts = applyPlan([o], first);
    expect(reconcile(input([s], ts, nodes))).toEqual({ create: [], update: [], delete: [] });
    ts = ts.map((t) => (t.ID === first.create[0].ID ? { ...t, NodeID: 'b', Status: { ...t.Status, State: 'running' as const } } : t));
    const handover = reconcile(input([s], ts, nodes));
    expect(handover.update.map((t) => [t.ID, t.DesiredState])).toEqual([[o.ID, 'shutdown']]);
    expect(handover.create).toEqual([]);
  });

  it('start-first: a new task that dies waits for its restart delay while the old one keeps running', () => {
    const s = service('s', 1, { ContainerSpec: { Image: 'new' }, RestartPolicy: { Delay: 5e9 } }, { UpdateConfig: { Parallelism: 1, Order: 'start-first' } });
    const o = old(s, 1);
    const at = T0 + 3_600_000;
    const first = reconcile(input([s], [o], nodes, at));
    const ts = applyPlan([o], first).map((t) =>
      t.ID === first.create[0].ID ? { ...t, NodeID: 'b', Status: { ...t.Status, State: 'failed' as const, Timestamp: iso(at + 1000) } } : t,
    );
    expect(reconcile(input([s], ts, nodes, at + 2000))).toEqual({ create: [], update: [], delete: [], wakeAt: at + 6000 });
    const retry = reconcile(input([s], ts, nodes, at + 6000));
    expect(retry.update.map((t) => [t.ID, t.DesiredState])).toEqual([[first.create[0].ID, 'shutdown']]);
    expect(slotsOf(retry.create)).toEqual([1]);
  });

  it('a slot whose task ended under the old spec starts fresh on the new one, whatever the restart policy', () => {
    const s = service('s', 1, { ContainerSpec: { Image: 'new' }, RestartPolicy: { Condition: 'none' } });
    const done = { ...task(s, 1, 'complete', { node: 'a' }), Spec: { ContainerSpec: { Image: 'old' }, RestartPolicy: { Condition: 'none' as const } } };
    const plan = reconcile(input([s], [done], nodes));
    expect(plan.update.map((t) => [t.ID, t.DesiredState])).toEqual([[done.ID, 'shutdown']]);
    expect(slotsOf(plan.create)).toEqual([1]);
  });
});

describe('reconcile: restart policy', () => {
  it.each<[string, 'any' | 'on-failure' | 'none' | undefined, 'failed' | 'complete' | 'rejected' | 'shutdown', number | undefined, boolean]>([
    ['default (any) restarts a failed task', undefined, 'failed', 1, true],
    ['any restarts a completed task', 'any', 'complete', 0, true],
    ['any restarts a task shut down behind its back', 'any', 'shutdown', 137, true],
    ['on-failure restarts a failed task', 'on-failure', 'failed', 1, true],
    ['on-failure restarts a rejected task', 'on-failure', 'rejected', undefined, true],
    ['on-failure leaves a completed task', 'on-failure', 'complete', 0, false],
    ['on-failure leaves a task that exited 0', 'on-failure', 'shutdown', 0, false],
    ['none never restarts', 'none', 'failed', 1, false],
  ])('%s', (_n, cond, state, exit, restarts) => {
    const s = service('s', 1, { RestartPolicy: { ...(cond ? { Condition: cond } : {}), Delay: 0 } });
    const t = task(s, 1, state, { node: 'a', exit });
    const plan = reconcile(input([s], [t], nodes, T0 + 10));
    expect(slotsOf(plan.create)).toEqual(restarts ? [1] : []);
    // The ended task keeps desired running until it is replaced: that is what says "this slot is done" otherwise.
    expect(plan.update.map((u) => u.DesiredState)).toEqual(restarts ? ['shutdown'] : []);
    expect(plan.wakeAt).toBeUndefined();
  });

  it('waits for the delay (default 5 s) and says when to wake', () => {
    const s = service('s', 1);
    const t = task(s, 1, 'failed', { node: 'a', at: T0 });
    const early = reconcile(input([s], [t], nodes, T0 + 1000));
    expect(early).toEqual({ create: [], update: [], delete: [], wakeAt: T0 + 5000 });
    const due = reconcile(input([s], [t], nodes, T0 + 5000));
    expect(due.update.map((u) => [u.ID, u.DesiredState])).toEqual([[t.ID, 'shutdown']]);
    expect(slotsOf(due.create)).toEqual([1]);
  });

  it('reports the earliest wake-up over all slots', () => {
    const s = service('s', 2, { RestartPolicy: { Delay: 10e9 } });
    const ts = [task(s, 1, 'failed', { node: 'a', at: T0 + 3000 }), task(s, 2, 'failed', { node: 'a', at: T0 + 1000 })];
    expect(reconcile(input([s], ts, nodes, T0 + 2000)).wakeAt).toBe(T0 + 11_000);
  });

  const failures = (s: ReturnType<typeof service>, times: number[]) =>
    times.map((at, i) => task(s, 1, 'failed', { node: 'a', at, desired: i === times.length - 1 ? 'running' : 'shutdown' }));

  it.each<[string, number, number | undefined, number[], boolean]>([
    ['first failure of 2 attempts', 2, undefined, [T0], true],
    ['second failure of 2 attempts', 2, undefined, [T0, T0 + 1], true],
    ['third failure of 2 attempts: given up', 2, undefined, [T0, T0 + 1, T0 + 2], false],
    ['old failures outside the window do not count', 2, 10e9, [T0, T0 + 1, T0 + 60_000], true],
    ['failures inside the window do', 2, 10e9, [T0 + 55_000, T0 + 58_000, T0 + 60_000], false],
  ])('MaxAttempts: %s', (_n, max, window, times, restarts) => {
    const s = service('s', 1, { RestartPolicy: { Delay: 0, MaxAttempts: max, ...(window ? { Window: window } : {}) } });
    const plan = reconcile(input([s], failures(s, times), nodes, T0 + 100_000));
    expect(plan.create.length).toBe(restarts ? 1 : 0);
  });

  it.each([2, 0])('keeps the history MaxAttempts still counts, even beyond the retention limit (%i)', (historyLimit) => {
    const s = service('s', 1, { RestartPolicy: { Delay: 0, MaxAttempts: 4 } });
    const ts = failures(s, [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4]);
    const plan = reconcile(input([s], ts, nodes, T0 + 1000, { historyLimit }));
    expect(plan.create).toEqual([]);
    expect(plan.delete).toEqual([]);
  });
});

describe('reconcile: task history', () => {
  const dead = (s: ReturnType<typeof service>, n: number) =>
    Array.from({ length: n }, (_, i) => task(s, 1, 'failed', { node: 'a', at: T0 + i, desired: 'shutdown' }));

  it.each([
    [5, 6, 2],
    [5, 4, 0],
    [1, 3, 3],
    [0, 3, 3],
  ])('limit %i with %i dead tasks and a running one deletes the %i oldest dead', (limit, n, gone) => {
    const s = service('s', 1);
    const ds = dead(s, n);
    const current = task(s, 1, 'running', { node: 'a', at: T0 + 100 });
    const plan = reconcile(input([s], [...ds, current], nodes, T0 + 1000, { historyLimit: limit }));
    expect(plan.delete.map((t) => t.ID)).toEqual(ds.slice(0, gone).map((t) => t.ID));
  });

  it('counts the task it creates in the same plan, so the next pass has nothing to trim', () => {
    const s = service('s', 1, { RestartPolicy: { Delay: 0 } });
    const ts = [...dead(s, 4), task(s, 1, 'failed', { node: 'a', at: T0 + 50 })];
    const plan = reconcile(input([s], ts, nodes, T0 + 1000, { historyLimit: 5 }));
    expect(plan.create).toHaveLength(1);
    expect(plan.delete.map((t) => t.ID)).toEqual([ts[0].ID]);
    expect(reconcile(input([s], applyPlan(ts, plan), nodes, T0 + 1000, { historyLimit: 5 }))).toEqual({ create: [], update: [], delete: [] });
  });

  it('never lists one task both to update and to delete', () => {
    const s = service('s', 1);
    const ts = [1, 2].map((i) => task(s, 2 + i, 'failed', { node: 'a' }));
    const plan = reconcile(input([s], [...ts, task(s, 1, 'running', { node: 'a' })], nodes));
    expect(plan.update).toEqual([]);
    expect(plan.delete.map((t) => t.ID).sort()).toEqual(ts.map((t) => t.ID).sort());
  });
});

describe('reconcile: removed services', () => {
  it.each<[string, Task, 'remove' | 'delete' | 'none']>([
    ['a running task is told to go', task(service('gone', 1), 1, 'running', { node: 'a' }), 'remove'],
    ['a finished task is deleted', task(service('gone', 1), 1, 'failed', { node: 'a' }), 'delete'],
    ['a task never placed is deleted', task(service('gone', 1), 1, 'pending'), 'delete'],
    ['a task on a down node is deleted', task(service('gone', 1), 1, 'running', { node: 'down' }), 'delete'],
    ['a task on an unknown node is deleted', task(service('gone', 1), 1, 'running', { node: 'nowhere' }), 'delete'],
    ['a task already told is left alone', task(service('gone', 1), 1, 'running', { node: 'a', desired: 'remove' }), 'none'],
  ])('%s', (_n, t, what) => {
    const plan = reconcile(input([], [], [...nodes, node('down', { state: 'down' })], T0, { orphanTasks: [t] }));
    expect(plan.update.map((u) => [u.ID, u.DesiredState])).toEqual(what === 'remove' ? [[t.ID, 'remove']] : []);
    expect(plan.delete.map((u) => u.ID)).toEqual(what === 'delete' ? [t.ID] : []);
  });
});
