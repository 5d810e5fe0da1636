import { describe, expect, it } from 'vitest';
import { newTask, type Service } from '@flotilla/contracts';
import { StateMachine, place, put } from '@flotilla/state';
import { createTaskOps } from './task-seeds';

const at = '2026-03-01T10:00:00.000Z';
const svc = (id: string, networks: string[] = []): Service => ({
  ID: id,
  Version: { Index: 0 },
  CreatedAt: at,
  UpdatedAt: at,
  Spec: {
    Name: id,
    TaskTemplate: { ContainerSpec: { Image: 'x', Env: ['A=1'] }, Networks: networks.map((Target) => ({ Target })) },
    Mode: { Replicated: { Replicas: 3 } },
  },
  Endpoint: { Spec: {} },
});

function machineWith(...services: Service[]) {
  const m = new StateMachine();
  expect(m.apply(1, { ops: services.map((s) => put('service', s, null)) }).ok).toBe(true);
  return m;
}

describe('createTaskOps', () => {
  it('a replica rebuilds exactly the tasks the orchestrator made, placed ones assigned', () => {
    const m = machineWith(svc('web', ['net1']), svc('db'));
    let n = 0;
    const ctx = { now: Date.parse(at) + 5, newId: () => `t${++n}` };
    const made = [
      newTask(m.services.get('web')!, { slot: 1 }, ctx),
      newTask(m.services.get('web')!, { slot: 2 }, ctx),
      newTask(m.services.get('db')!, { nodeId: 'n2' }, ctx),
    ];
    const ops = createTaskOps(made, new Map([['t1', 'n1']]));
    expect(ops).toHaveLength(2);
    expect(JSON.stringify(ops).length).toBeLessThan(JSON.stringify(made).length / 2);
    const out = m.apply(2, { ops: JSON.parse(JSON.stringify(ops)) });
    expect(out.ok).toBe(true);
    expect(m.tasks.get('t2')).toEqual({ ...made[1], Version: { Index: 2 } });
    expect(m.tasks.get('t3')).toEqual({ ...made[2], Version: { Index: 2 } });
    expect(m.tasks.get('t1')).toMatchObject({ NodeID: 'n1', Slot: 1, Status: { State: 'assigned' }, CreatedAt: made[0].CreatedAt });
    // Every task of a service shares the template the service holds.
    expect(m.tasks.get('t1')!.Spec).toBe(m.services.get('web')!.Spec.TaskTemplate);
    expect(m.tasksOfNode('n1').map((t) => t.ID)).toEqual(['t1']);
  });

  it('a held task (a stop-first replacement, desired ready) is rebuilt held', () => {
    const m = machineWith(svc('web'));
    const held = { ...newTask(m.services.get('web')!, { slot: 1 }, { now: Date.parse(at) + 5, newId: () => 'h1' }), DesiredState: 'ready' as const };
    const ops = createTaskOps([held], new Map());
    expect(m.apply(2, { ops: JSON.parse(JSON.stringify(ops)) }).ok).toBe(true);
    expect(m.tasks.get('h1')).toEqual({ ...held, Version: { Index: 2 } });
  });

  it('a plan made on an older service version is refused whole, as is a task id taken', () => {
    const m = machineWith(svc('web'));
    const made = [newTask(m.services.get('web')!, { slot: 1 }, { now: Date.parse(at), newId: () => 'x1' })];
    expect(m.apply(2, { ops: [put('service', { ...svc('web'), Spec: { ...svc('web').Spec, Labels: { v: '2' } } }, 1)] }).ok).toBe(true);
    const stale = m.apply(3, { ops: createTaskOps(made, new Map()) });
    expect(stale).toMatchObject({ ok: false, error: { code: 'out_of_sequence' } });
    expect(m.tasks.size).toBe(0);
    const fresh = [newTask(m.services.get('web')!, { slot: 1 }, { now: Date.parse(at), newId: () => 'x1' })];
    expect(m.apply(4, { ops: createTaskOps(fresh, new Map()) }).ok).toBe(true);
    expect(m.apply(5, { ops: createTaskOps(fresh, new Map()) })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('splits large plans into ops of at most 2,000 seeds', () => {
    const m = machineWith(svc('web'));
    let n = 0;
    const made = Array.from({ length: 4500 }, (_, i) => newTask(m.services.get('web')!, { slot: i + 1 }, { now: Date.parse(at), newId: () => `t${++n}` }));
    const ops = createTaskOps(made, new Map());
    expect(ops.map((o) => (o.op === 'createTasks' ? o.tasks.length : 0))).toEqual([2000, 2000, 500]);
    expect(m.apply(2, { ops }).ok).toBe(true);
    expect(m.tasks.size).toBe(4500);
  });

  it('orders seeds by node, so each proposal cut from a spread plan touches few nodes', () => {
    const m = machineWith(svc('web'));
    let n = 0;
    const made = Array.from({ length: 12 }, (_, i) => newTask(m.services.get('web')!, { slot: i + 1 }, { now: Date.parse(at), newId: () => `t${++n}` }));
    // The spread scheduler's order: round robin over three nodes.
    const placed = new Map(made.map((t, i) => [t.ID, `n${i % 3}`]));
    const ops = createTaskOps(made, placed);
    const seeds = ops.flatMap((o) => (o.op === 'createTasks' ? o.tasks : []));
    expect(seeds.map((s) => s.assignedTo)).toEqual(['n0', 'n0', 'n0', 'n0', 'n1', 'n1', 'n1', 'n1', 'n2', 'n2', 'n2', 'n2']);
    expect(new Set(seeds.map((s) => s.id)).size).toBe(12);
    expect(m.apply(2, { ops }).ok).toBe(true);
    expect(m.tasksOfNode('n1').map((t) => t.Slot).sort((a, b) => a! - b!)).toEqual([2, 5, 8, 11]);
  });
});

describe('placeTask', () => {
  it('assigns, or records why not, guarded by the version read', () => {
    const m = machineWith(svc('web'));
    const made = [newTask(m.services.get('web')!, { slot: 1 }, { now: Date.parse(at), newId: () => 'a' })];
    m.apply(2, { ops: createTaskOps(made, new Map()) });
    const t = m.tasks.get('a')!;
    expect(m.apply(3, { ops: [place(t, at, { err: 'no suitable node' })] }).ok).toBe(true);
    expect(m.tasks.get('a')!.Status).toMatchObject({ State: 'pending', Err: 'no suitable node' });
    expect(m.apply(4, { ops: [place(t, at, { nodeId: 'n1' })] })).toMatchObject({ ok: false, error: { code: 'out_of_sequence' } });
    expect(m.apply(5, { ops: [place(m.tasks.get('a')!, at, { nodeId: 'n1' })] }).ok).toBe(true);
    expect(m.tasks.get('a')).toMatchObject({ NodeID: 'n1', Status: { State: 'assigned' }, Version: { Index: 5 } });
  });
});
