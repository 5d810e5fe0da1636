import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffWire, indexWire, WireBuilder, type WireNode, type WireTask, type WireView } from './console-wire';
import { apply, createState, load, toView } from '../../ui/wire.mjs';
import { node, rep, service, task, viewOf } from './test-fixtures';

describe('WireBuilder: what the overview is sent', () => {
  it('short keys, only current tasks, no per-task detail', () => {
    const web = service('web', rep(2));
    const lead = node('m1', 'host-a', { Spec: { Labels: {}, Role: 'manager', Availability: 'active' }, ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: 'x' } });
    const running = task(web, 1, 'running', 'running', { NodeID: 'm1', Status: { State: 'running', Message: 'x', Err: 'e', Timestamp: '2026-01-01T00:00:00.000Z' } });
    const pending = task(web, 2, 'pending', 'running', { NodeID: undefined });
    const ended = task(web, 1, 'failed', 'shutdown');
    const { view: w, index } = new WireBuilder().build(viewOf([web], [running, pending, ended]), [lead], 4);
    expect(w.q).toBe(4);
    expect(w.nodes).toEqual([{ i: 'm1', h: 'host-a', r: 'manager', m: 'Leader', l: 1, s: 'ready', a: 'active', e: '20.10.24', c: 2, b: 4 << 30, d: '10.0.0.1' }]);
    expect(w.tasks).toEqual([
      { i: running.ID, s: 'web', n: 'm1', l: 1, t: 'running' },
      { i: pending.ID, s: 'web', l: 2, t: 'pending' },
    ]);
    expect(w.services.map((s) => s.replicas)).toEqual(['1/2']);
    expect(index).toEqual(indexWire(w));
  });

  it('a task the store replaced is built again; one it kept is reused as it was', () => {
    const web = service('web', rep(2));
    const a = task(web, 1, 'starting');
    const b = task(web, 2, 'starting');
    const builder = new WireBuilder();
    const first = builder.build(viewOf([web], [a, b]), [], 1).view;
    const a2 = { ...a, Status: { ...a.Status, State: 'running' as const } };
    const second = builder.build(viewOf([web], [a2, b]), [], 2).view;
    expect(second.tasks.map((t) => t.t)).toEqual(['running', 'starting']);
    expect(second.tasks[1]).toBe(first.tasks[1]);
  });
});

const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
const arbNode = fc.record({ i: fc.constantFrom(...ids), h: fc.constantFrom('h1', 'h2'), r: fc.constant('worker'), s: fc.constantFrom('ready', 'down'), a: fc.constant('active'), e: fc.constant('20.10.24'), c: fc.constant(2), b: fc.constant(1), d: fc.constant('10.0.0.1') }) as fc.Arbitrary<WireNode>;
const arbTask = fc.record({ i: fc.constantFrom(...ids.map((x) => `t${x}`)), s: fc.constantFrom('s1', 's2'), n: fc.constantFrom('a', 'b', 'c'), l: fc.integer({ min: 1, max: 3 }), t: fc.constantFrom('pending', 'running') }) as fc.Arbitrary<WireTask>;
const uniq = <T extends { i: string }>(xs: T[]) => [...new Map(xs.map((x) => [x.i, x])).values()];
const arbView = fc
  .record({ nodes: fc.array(arbNode), tasks: fc.array(arbTask), networks: fc.array(fc.constantFrom('n1', 'n2'), { maxLength: 2 }) })
  .map(({ nodes, tasks, networks }): WireView => ({ q: 0, nodes: uniq(nodes), tasks: uniq(tasks), services: [], stacks: [], networks, secrets: [], configs: [] }));
const sorted = (v: WireView) => ({
  ...v,
  nodes: [...v.nodes].sort((x, y) => x.i.localeCompare(y.i)),
  tasks: [...v.tasks].sort((x, y) => x.i.localeCompare(y.i)),
});

describe('diffWire + the page applying it (ui/wire.mjs)', () => {
  it('a page that had view A and applies diff(A, B) holds B', () => {
    fc.assert(
      fc.property(arbView, arbView, (a, b) => {
        const st = createState();
        load(st, { ...a, q: 1 });
        const d = diffWire(indexWire(a), indexWire(b), 2);
        if (d) apply(st, d);
        expect(toView(st)).toEqual(sorted({ ...b, q: d ? 2 : 1 }));
        // Each task is filed under exactly its node.
        for (const [n, set] of st.byNode) for (const id of set) expect((st.tasks.get(id) as WireTask).n ?? '').toBe(n);
      }),
    );
  });

  it('nothing the page shows changed: no diff', () => {
    fc.assert(
      fc.property(arbView, (a) => {
        expect(diffWire(indexWire(a), indexWire(structuredClone(a)), 2)).toBeUndefined();
      }),
    );
  });

  it('a diff carries only what changed', () => {
    const t = (i: string, state: string): WireTask => ({ i, s: 's1', n: 'a', l: 1, t: state });
    const a: WireView = { q: 0, nodes: [], services: [], tasks: [t('t1', 'running'), t('t2', 'pending'), t('t3', 'running')], stacks: [], networks: [], secrets: [], configs: [] };
    const b = { ...a, tasks: [t('t1', 'running'), t('t2', 'running'), t('t4', 'pending')] };
    expect(diffWire(indexWire(a), indexWire(b), 9)).toEqual({ q: 9, tasks: { up: [t('t2', 'running'), t('t4', 'pending')], rm: ['t3'] } });
  });

  it('a diff the page already holds (an older sequence) is ignored', () => {
    const st = createState();
    const v: WireView = { q: 5, nodes: [], services: [], tasks: [], stacks: [], networks: [], secrets: [], configs: [] };
    load(st, v);
    expect(apply(st, { q: 5, networks: ['x'] })).toBeUndefined();
    expect(apply(st, { q: 6, networks: ['x'] })).toMatchObject({ lists: true });
  });
});
