import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isTerminal, type Service, type SwarmNode, type Task, type TaskState, type UpdateConfig } from '@flotilla/contracts';
import { reconcile } from './reconcile';
import { schedule } from './schedule';
import { endedWhileWanted, isAbandoned, isLive } from './task-order';
import { T0, applyPlan, ids, node, nodeMap, reconcileInput, service, serviceMap, task } from './test-fixtures';

/** A tiny cluster: the two planners plus a fake worker, driven by random events. */
interface World {
  now: number;
  svc: Service;
  nodes: SwarmNode[];
  tasks: Task[];
  newId: () => string;
}

type Event =
  | { kind: 'reconcile' }
  | { kind: 'schedule' }
  | { kind: 'work' }
  | { kind: 'fail'; pick: number; state: 'failed' | 'complete' | 'rejected' }
  | { kind: 'node'; pick: number; availability: SwarmNode['Spec']['Availability']; state: 'ready' | 'down' }
  | { kind: 'scale'; replicas: number }
  | { kind: 'image'; image: string }
  | { kind: 'time'; ms: number };

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Event>({ kind: 'reconcile' }) },
  { weight: 3, arbitrary: fc.constant<Event>({ kind: 'schedule' }) },
  { weight: 3, arbitrary: fc.constant<Event>({ kind: 'work' }) },
  fc.record({ kind: fc.constant('fail' as const), pick: fc.nat(), state: fc.constantFrom('failed' as const, 'complete' as const, 'rejected' as const) }),
  fc.record({ kind: fc.constant('node' as const), pick: fc.nat(), availability: fc.constantFrom('active' as const, 'pause' as const, 'drain' as const), state: fc.constantFrom('ready' as const, 'down' as const) }),
  fc.record({ kind: fc.constant('scale' as const), replicas: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ kind: fc.constant('image' as const), image: fc.constantFrom('v1', 'v2', 'v3') }),
  fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 20_000 }) }),
);

const setState = (t: Task, state: TaskState, w: World): Task => ({ ...t, Status: { ...t.Status, State: state, Timestamp: new Date(w.now).toISOString() } });

function step(w: World, e: Event): void {
  switch (e.kind) {
    case 'reconcile':
      w.tasks = applyPlan(w.tasks, reconcile(reconcileInput([w.svc], w.tasks, w.nodes, w.now, { newId: w.newId })));
      return;
    case 'schedule': {
      const pending = w.tasks.filter((t) => t.DesiredState === 'running' && (t.Status.State === 'new' || t.Status.State === 'pending'));
      const plan = schedule({ nodes: nodeMap(w.nodes), services: serviceMap([w.svc]), tasks: w.tasks, pending });
      const byId = new Map(w.tasks.map((t) => [t.ID, t]));
      for (const a of plan.assign) byId.set(a.task.ID, { ...setState(a.task, 'assigned', w), NodeID: a.nodeId });
      for (const u of plan.unschedulable) byId.set(u.task.ID, setState(u.task, 'pending', w));
      w.tasks = [...byId.values()];
      return;
    }
    case 'work':
      w.tasks = w.tasks.map((t) => {
        const n = w.nodes.find((x) => x.ID === t.NodeID);
        if (!n || n.Status.State === 'down' || isTerminal(t.Status.State)) return t;
        // Held (a stop-first replacement whose predecessor still stops): the worker leaves it be.
        if (t.DesiredState === 'ready') return t;
        if (t.DesiredState !== 'running') return setState(t, 'shutdown', w);
        if (t.Status.State === 'new' || t.Status.State === 'pending' || t.Status.State === 'running') return t;
        return setState(t, 'running', w);
      });
      return;
    case 'fail': {
      const running = w.tasks.filter((t) => t.Status.State === 'running');
      if (running.length === 0) return;
      const victim = running[e.pick % running.length];
      w.tasks = w.tasks.map((t) => (t === victim ? setState(t, e.state, w) : t));
      return;
    }
    case 'node': {
      const i = e.pick % w.nodes.length;
      w.nodes = w.nodes.map((n, j) => (j === i ? { ...n, Spec: { ...n.Spec, Availability: e.availability }, Status: { ...n.Status, State: e.state } } : n));
      return;
    }
    case 'scale':
      if ('Replicated' in w.svc.Spec.Mode) w.svc = { ...w.svc, Version: { Index: w.svc.Version.Index + 1 }, Spec: { ...w.svc.Spec, Mode: { Replicated: { Replicas: e.replicas } } } };
      return;
    case 'image':
      w.svc = {
        ...w.svc,
        Version: { Index: w.svc.Version.Index + 1 },
        Spec: { ...w.svc.Spec, TaskTemplate: { ...w.svc.Spec.TaskTemplate, ContainerSpec: { Image: e.image } } },
      };
      return;
    case 'time':
      w.now += e.ms;
  }
}

const replicasOf = (s: Service) => ('Replicated' in s.Spec.Mode ? (s.Spec.Mode.Replicated.Replicas ?? 1) : 0);
const emptyPlan = { create: [], update: [], delete: [] };

function world(replicas: number | 'global', nodeCount: number, update: UpdateConfig, restart: 'any' | 'on-failure' | 'none'): World {
  return {
    now: T0,
    svc: service('s', replicas, { ContainerSpec: { Image: 'v1' }, RestartPolicy: { Condition: restart, Delay: 5e9, MaxAttempts: 0 } }, { UpdateConfig: update }),
    nodes: Array.from({ length: nodeCount }, (_, i) => node(`n${i}`)),
    tasks: [],
    newId: ids('x'),
  };
}

const worldArb = fc.record({
  replicas: fc.integer({ min: 0, max: 8 }),
  nodes: fc.integer({ min: 1, max: 5 }),
  parallelism: fc.integer({ min: 0, max: 3 }),
  restart: fc.constantFrom('any' as const, 'on-failure' as const, 'none' as const),
  events: fc.array(eventArb, { maxLength: 60 }),
});

describe('properties: orchestrator and scheduler together', () => {
  it('stop-first: never more than N runnable tasks per replicated service, never two in one slot, every running slot unique', () => {
    fc.assert(
      fc.property(worldArb, ({ replicas, nodes, parallelism, restart, events }) => {
        const w = world(replicas, nodes, { Parallelism: parallelism, Order: 'stop-first' }, restart);
        for (const e of events) {
          step(w, e);
          if (e.kind !== 'reconcile') continue;
          // Runnable: live, or ended and still wanted (waiting for its restart, or declined).
          const runnable = w.tasks.filter((t) => isLive(t) || endedWhileWanted(t));
          expect(runnable.length).toBeLessThanOrEqual(replicasOf(w.svc));
          expect(new Set(runnable.map((t) => t.Slot)).size).toBe(runnable.length);
          const running = w.tasks.filter((t) => t.DesiredState === 'running' && t.Status.State === 'running');
          expect(new Set(running.map((t) => t.Slot)).size).toBe(running.length);
          // Nothing is left that no worker would ever report on.
          expect(w.tasks.filter(isAbandoned)).toEqual([]);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('start-first: at most N + Parallelism live tasks (2N when all at once)', () => {
    fc.assert(
      fc.property(worldArb, ({ replicas, nodes, parallelism, restart, events }) => {
        const w = world(replicas, nodes, { Parallelism: parallelism, Order: 'start-first' }, restart);
        for (const e of events) {
          step(w, e);
          if (e.kind !== 'reconcile') continue;
          const n = replicasOf(w.svc);
          expect(w.tasks.filter(isLive).length).toBeLessThanOrEqual(n + (parallelism === 0 ? n : parallelism));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never assigns a task to a node that is down, paused or drained', () => {
    fc.assert(
      fc.property(worldArb, fc.boolean(), ({ replicas, nodes, parallelism, restart, events }, global) => {
        const w = world(global ? 'global' : replicas, nodes, { Parallelism: parallelism }, restart);
        for (const e of events) {
          const before = new Map(w.tasks.map((t) => [t.ID, t.NodeID]));
          step(w, e);
          if (e.kind !== 'schedule') continue;
          for (const t of w.tasks) {
            if (t.Status.State !== 'assigned' || before.get(t.ID) === t.NodeID) continue;
            const n = w.nodes.find((x) => x.ID === t.NodeID)!;
            expect([n.Status.State, n.Spec.Availability]).toEqual(['ready', 'active']);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('global: never two live tasks on one node, none on a drained or down node after reconcile', () => {
    fc.assert(
      fc.property(worldArb, ({ nodes, parallelism, restart, events }) => {
        const w = world('global', nodes, { Parallelism: parallelism }, restart);
        for (const e of events) {
          step(w, e);
          if (e.kind !== 'reconcile') continue;
          const live = w.tasks.filter(isLive);
          expect(new Set(live.map((t) => t.NodeID)).size).toBe(live.length);
          for (const t of live) {
            const n = w.nodes.find((x) => x.ID === t.NodeID)!;
            expect(n.Status.State !== 'down' && n.Spec.Availability !== 'drain').toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reconcile is idempotent: applying its plan then reconciling again yields an empty plan', () => {
    fc.assert(
      fc.property(worldArb, fc.boolean(), fc.integer({ min: 0, max: 6 }), ({ replicas, nodes, parallelism, restart, events }, global, historyLimit) => {
        const w = world(global ? 'global' : replicas, nodes, { Parallelism: parallelism, Order: parallelism === 2 ? 'start-first' : 'stop-first' }, restart);
        for (const e of events) {
          step(w, e);
          const input = () => reconcileInput([w.svc], w.tasks, w.nodes, w.now, { newId: w.newId, historyLimit });
          w.tasks = applyPlan(w.tasks, reconcile(input()));
          const again = reconcile(input());
          expect({ create: again.create, update: again.update, delete: again.delete }).toEqual(emptyPlan);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('converges: with nothing failing, every slot 1..N ends with one live up-to-date task', () => {
    fc.assert(
      fc.property(worldArb, fc.constantFrom('stop-first' as const, 'start-first' as const), ({ replicas, nodes, parallelism, events }, order) => {
        const w = world(replicas, nodes, { Parallelism: parallelism, Order: order }, 'any');
        for (const e of events) step(w, e);
        // Heal the cluster, then let the loop run.
        w.nodes = w.nodes.map((n) => ({ ...n, Spec: { ...n.Spec, Availability: 'active' }, Status: { ...n.Status, State: 'ready' } }));
        // Two rounds a batch: a stop-first replacement starts only on the round after its predecessor stopped.
        for (let i = 0; i < 2 * replicasOf(w.svc) + 6; i++) {
          w.now += 10_000;
          for (const kind of ['reconcile', 'schedule', 'work'] as const) step(w, { kind });
        }
        const live = w.tasks.filter(isLive);
        expect(live.map((t) => t.Slot).sort((a, b) => a! - b!)).toEqual(Array.from({ length: replicasOf(w.svc) }, (_, i) => i + 1));
        expect(live.every((t) => t.Spec.ContainerSpec.Image === w.svc.Spec.TaskTemplate.ContainerSpec.Image)).toBe(true);
        expect(live.every((t) => t.Status.State === 'running')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

describe('properties: global convergence', () => {
  it('every ready, active node ends with exactly one running up-to-date task; others with none live', () => {
    fc.assert(
      fc.property(worldArb, fc.array(fc.constantFrom('active' as const, 'drain' as const), { minLength: 5, maxLength: 5 }), ({ nodes, parallelism, events }, finalAvail) => {
        const w = world('global', nodes, { Parallelism: parallelism }, 'any');
        for (const e of events) step(w, e);
        w.nodes = w.nodes.map((n, i) => ({ ...n, Spec: { ...n.Spec, Availability: finalAvail[i] }, Status: { ...n.Status, State: 'ready' } }));
        for (let i = 0; i < nodes + 6; i++) {
          w.now += 10_000;
          for (const kind of ['reconcile', 'schedule', 'work'] as const) step(w, { kind });
        }
        const live = w.tasks.filter(isLive);
        const want = w.nodes.filter((n) => n.Spec.Availability === 'active').map((n) => n.ID);
        expect(live.map((t) => t.NodeID).sort()).toEqual(want.sort());
        expect(live.every((t) => t.Status.State === 'running' && t.Spec.ContainerSpec.Image === w.svc.Spec.TaskTemplate.ContainerSpec.Image)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('properties: purity', () => {
  it('neither planner touches its input (frozen input, same plan twice)', () => {
    fc.assert(
      fc.property(worldArb, fc.boolean(), ({ replicas, nodes, parallelism, restart, events }, global) => {
        const w = world(global ? 'global' : replicas, nodes, { Parallelism: parallelism }, restart);
        for (const e of events) step(w, e);
        deepFreeze(w);
        const plan = () => reconcile(reconcileInput([w.svc], w.tasks, w.nodes, w.now, { newId: ids('same') }));
        expect(plan()).toEqual(plan());
        const pending = w.tasks.filter((t) => t.DesiredState === 'running' && (t.Status.State === 'new' || t.Status.State === 'pending'));
        const sched = () => schedule({ nodes: nodeMap(w.nodes), services: serviceMap([w.svc]), tasks: w.tasks, pending, now: w.now });
        expect(sched()).toEqual(sched());
      }),
      { numRuns: 200 },
    );
  });
});

describe('properties: removed services', () => {
  it('every task of a removed service is eventually deleted, and none before it stopped or its node went down', () => {
    fc.assert(
      fc.property(worldArb, fc.boolean(), ({ replicas, nodes, parallelism, restart, events }, global) => {
        const w = world(global ? 'global' : replicas, nodes, { Parallelism: parallelism }, restart);
        for (const e of events) step(w, e);
        for (let round = 0; round < 4 && w.tasks.length > 0; round++) {
          const plan = reconcile(reconcileInput([], [], w.nodes, w.now, { orphanTasks: w.tasks }));
          for (const t of plan.delete) {
            const n = w.nodes.find((x) => x.ID === t.NodeID);
            expect(isTerminal(t.Status.State) || !n || n.Status.State === 'down').toBe(true);
          }
          w.tasks = applyPlan(w.tasks, plan);
          step(w, { kind: 'work' });
        }
        expect(w.tasks).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('properties: scheduler alone', () => {
  const clusterArb = fc.record({
    flags: fc.array(fc.record({ drain: fc.boolean(), zone: fc.constantFrom('a', 'b', 'c') }), { minLength: 1, maxLength: 8 }),
    replicas: fc.integer({ min: 0, max: 60 }),
    existing: fc.array(fc.nat(), { maxLength: 10 }),
  });

  it('spread is even within 1 over the usable nodes when unconstrained, and never on a drained node', () => {
    fc.assert(
      fc.property(clusterArb, ({ flags, replicas }) => {
        const ns = flags.map((f, i) => node(`n${i}`, f.drain ? { availability: 'drain' } : {}));
        const s = service('s', replicas);
        const plan = schedule({ nodes: nodeMap(ns), services: serviceMap([s]), tasks: [], pending: Array.from({ length: replicas }, (_, i) => task(s, i + 1, 'new')) });
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

  it('with spread=zone, zones end even within 1 when they start empty', () => {
    fc.assert(
      fc.property(clusterArb, ({ flags, replicas }) => {
        const ns = flags.map((f, i) => node(`n${i}`, { labels: { zone: f.zone } }));
        const s = service('s', replicas, { Placement: { Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }] } });
        const plan = schedule({ nodes: nodeMap(ns), services: serviceMap([s]), tasks: [], pending: Array.from({ length: replicas }, (_, i) => task(s, i + 1, 'new')) });
        const zones = [...new Set(ns.map((n) => n.Spec.Labels.zone))];
        const counts = zones.map((z) => plan.assign.filter((a) => ns.find((n) => n.ID === a.nodeId)!.Spec.Labels.zone === z).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('MaxReplicas and reservations are never exceeded, counting tasks already there', () => {
    fc.assert(
      fc.property(clusterArb, fc.integer({ min: 1, max: 4 }), ({ flags, replicas, existing }, max) => {
        const ns = flags.map((_, i) => node(`n${i}`));
        const s = service('s', replicas, { Placement: { MaxReplicas: max }, Resources: { Reservations: { NanoCPUs: 6e8 } } });
        const there = existing.map((k, i) => task(s, 100 + i, 'running', { node: `n${k % ns.length}` }));
        const plan = schedule({ nodes: nodeMap(ns), services: serviceMap([s]), tasks: there, pending: Array.from({ length: replicas }, (_, i) => task(s, i + 1, 'new')) });
        for (const n of ns) {
          const total = there.filter((t) => t.NodeID === n.ID).length + plan.assign.filter((a) => a.nodeId === n.ID).length;
          const before = there.filter((t) => t.NodeID === n.ID).length;
          // Nothing new lands on a node already at (or over) a limit.
          if (before >= Math.min(max, 3)) expect(total).toBe(before);
          else expect(total).toBeLessThanOrEqual(Math.min(max, 3));
        }
        expect(plan.assign.length + plan.unschedulable.length).toBe(replicas);
      }),
      { numRuns: 300 },
    );
  });
});
