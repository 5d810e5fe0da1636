import { describe, expect, it } from 'vitest';
import type { Service, Task, TaskReport } from '@flotilla/contracts';
import { StateMachine } from './state-machine';
import { del, put } from './command';
import { serviceTaskCounts } from './state-view';
import fc from 'fast-check';

const at = '2026-01-01T00:00:00.000Z';

function service(id: string, name: string): Service {
  return {
    ID: id,
    Version: { Index: 0 },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: { Name: name, TaskTemplate: { ContainerSpec: { Image: 'x' } }, Mode: { Replicated: { Replicas: 1 } } },
    Endpoint: { Spec: {} },
  };
}

function task(id: string, serviceId: string, nodeId?: string): Task {
  return {
    ID: id,
    Version: { Index: 0 },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: { ContainerSpec: { Image: 'x' } },
    ServiceID: serviceId,
    Slot: 1,
    NodeID: nodeId,
    Status: { Timestamp: at, State: 'assigned', Message: '' },
    DesiredState: 'running',
  };
}

describe('StateMachine', () => {
  it('stamps every object of a batch with the batch index', () => {
    const m = new StateMachine();
    const out = m.apply(1, { ops: [put('service', service('s1', 'web'), null)] });
    expect(out.ok).toBe(true);
    expect(m.services.get('s1')!.Version.Index).toBe(1);
    expect(m.index).toBe(1);
  });

  it('rejects a whole batch when one op conflicts, changing nothing', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('service', service('s1', 'web'), null)] });
    const out = m.apply(2, { ops: [put('service', service('s2', 'api'), null), put('service', service('s3', 'web'), null)] });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.message).toBe('rpc error: code = AlreadyExists desc = name conflicts with an existing object: service web already exists');
    expect(m.services.has('s2')).toBe(false);
    expect(m.index).toBe(2);
  });

  it('enforces optimistic versions', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('service', service('s1', 'web'), null)] });
    const stale = m.apply(2, { ops: [put('service', { ...service('s1', 'web2') }, 0)] });
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.error.code).toBe('out_of_sequence');
    const fresh = m.apply(3, { ops: [put('service', service('s1', 'web2'), 1)] });
    expect(fresh.ok).toBe(true);
    expect(m.idByName('service', 'web')).toBeUndefined();
    expect(m.idByName('service', 'web2')).toBe('s1');
  });

  it('lets a name move from a deleted object to a new one in the same batch', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('service', service('s1', 'web'), null)] });
    const out = m.apply(2, { ops: [del('service', 's1'), put('service', service('s2', 'web'), null)] });
    expect(out.ok).toBe(true);
    expect(m.idByName('service', 'web')).toBe('s2');
  });

  it('indexes tasks by service and node, and keeps the index through updates', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('task', task('t1', 's1'), null), put('task', task('t2', 's1', 'n1'), null)] });
    expect(m.tasksOfService('s1').map((t) => t.ID).sort()).toEqual(['t1', 't2']);
    expect(m.tasksOfNode('n1').map((t) => t.ID)).toEqual(['t2']);
    m.apply(2, { ops: [put('task', task('t1', 's1', 'n2'), 1)] });
    expect(m.tasksOfNode('n2').map((t) => t.ID)).toEqual(['t1']);
    m.apply(3, { ops: [del('task', 't2')] });
    expect(m.tasksOfNode('n1')).toEqual([]);
    expect(m.tasksOfService('s1').map((t) => t.ID)).toEqual(['t1']);
  });

  it('moves task state only forward, and only from the owning node', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('task', task('t1', 's1', 'n1'), null)] });
    const report = (nodeId: string, state: Task['Status']['State']) => ({
      ops: [{ op: 'taskStatus' as const, nodeId, report: { taskId: 't1', state, message: state }, at }],
    });
    m.apply(2, report('n1', 'running'));
    expect(m.tasks.get('t1')!.Status.State).toBe('running');
    m.apply(3, report('n1', 'starting'));
    expect(m.tasks.get('t1')!.Status.State).toBe('running');
    m.apply(4, report('n2', 'failed'));
    expect(m.tasks.get('t1')!.Status.State).toBe('running');
    m.apply(5, report('n1', 'failed'));
    expect(m.tasks.get('t1')!.Status.State).toBe('failed');
  });

  it('within preparing, takes a new message (an image being shipped), and nothing else backwards', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('task', task('t1', 's1', 'n1'), null)] });
    const report = (state: Task['Status']['State'], message: string) => ({ ops: [{ op: 'taskStatus' as const, nodeId: 'n1', report: { taskId: 't1', state, message }, at }] });
    m.apply(2, report('preparing', 'preparing'));
    m.apply(3, report('preparing', 'shipping image app:1'));
    expect(m.tasks.get('t1')!.Status).toMatchObject({ State: 'preparing', Message: 'shipping image app:1' });
    m.apply(4, report('running', 'started'));
    m.apply(5, report('running', 'started again'));
    expect(m.tasks.get('t1')!.Status).toMatchObject({ State: 'running', Message: 'started' });
  });

  it('within running, takes a pause or unpause (once each) and keeps when it reached running', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('task', task('t1', 's1', 'n1'), null)] });
    const report = (paused: boolean | undefined, when: string) => ({
      ops: [{ op: 'taskStatus' as const, nodeId: 'n1', report: { taskId: 't1', state: 'running' as const, message: 'started', ...(paused === undefined ? {} : { paused }) }, at: when }],
    });
    m.apply(2, report(undefined, '2026-01-01T00:00:01.000Z'));
    m.apply(3, report(true, '2026-01-01T00:00:02.000Z'));
    expect(m.tasks.get('t1')!.Status).toMatchObject({ State: 'running', RunningAt: '2026-01-01T00:00:01.000Z', ContainerStatus: { Paused: true } });
    m.apply(4, report(true, '2026-01-01T00:00:03.000Z'));
    expect(m.tasks.get('t1')!.Version.Index).toBe(3);
    m.apply(5, report(false, '2026-01-01T00:00:04.000Z'));
    expect(m.tasks.get('t1')!.Status.ContainerStatus?.Paused).toBe(false);
    m.apply(6, report(undefined, '2026-01-01T00:00:05.000Z'));
    expect(m.tasks.get('t1')!.Version.Index).toBe(5);
  });

  it('keeps where a running task\'s ports are published (its worker\'s report) through its later states', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('task', task('t1', 's1', 'n1'), null)] });
    m.apply(2, { ops: [{ op: 'taskStatus' as const, nodeId: 'n1', report: { taskId: 't1', state: 'running' as const, message: 'started', published: ['0.0.0.0'] }, at }] });
    expect(m.tasks.get('t1')!.Status.ContainerStatus?.PublishedOn).toEqual(['0.0.0.0']);
    m.apply(3, { ops: [{ op: 'taskStatus' as const, nodeId: 'n1', report: { taskId: 't1', state: 'failed' as const, message: 'exited', exitCode: 1 }, at }] });
    expect(m.tasks.get('t1')!.Status.ContainerStatus?.PublishedOn).toEqual(['0.0.0.0']);
  });

  it("keeps the port a task's container got of a host range (its worker's report) as its PortStatus, through its later states", () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('task', task('t1', 's1', 'n1'), null)] });
    const ports = [{ Protocol: 'tcp' as const, TargetPort: 80, PublishedPort: 18001, PublishMode: 'host' as const }];
    m.apply(2, { ops: [{ op: 'taskStatus' as const, nodeId: 'n1', report: { taskId: 't1', state: 'running' as const, message: 'started', ports }, at }] });
    expect(m.tasks.get('t1')!.Status.PortStatus).toEqual({ Ports: ports });
    m.apply(3, { ops: [{ op: 'taskStatus' as const, nodeId: 'n1', report: { taskId: 't1', state: 'failed' as const, message: 'exited', exitCode: 1 }, at }] });
    expect(m.tasks.get('t1')!.Status.PortStatus).toEqual({ Ports: ports });
  });

  it('a running task whose container, restarted in place, got another port of its range: the new port is news, its RunningAt stays', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('task', task('t1', 's1', 'n1'), null)] });
    const on = (port: number) => [{ Protocol: 'tcp' as const, TargetPort: 80, PublishedPort: port, PublishMode: 'host' as const }];
    const report = (port: number, when: string) => ({ ops: [{ op: 'taskStatus' as const, nodeId: 'n1', report: { taskId: 't1', state: 'running' as const, message: 'started', restarted: true, ports: on(port) }, at: when }] });
    m.apply(2, report(18000, '2026-01-01T00:00:01.000Z'));
    m.apply(3, report(18001, '2026-01-01T00:00:02.000Z'));
    expect(m.tasks.get('t1')!.Status).toMatchObject({ PortStatus: { Ports: on(18001) }, RunningAt: '2026-01-01T00:00:01.000Z' });
    expect(m.tasks.get('t1')!.Version.Index).toBe(3);
    // Said again (every look for a while): nothing new.
    m.apply(4, report(18001, '2026-01-01T00:00:03.000Z'));
    expect(m.tasks.get('t1')!.Version.Index).toBe(3);
  });

  it('runs an ended task again when its node restarted its own container in place, once; the last exit code goes', () => {
    const m = new StateMachine();
    const C = 'c'.repeat(64);
    m.apply(1, { ops: [put('service', service('s1', 'web'), null), put('task', task('t1', 's1', 'n1'), null)] });
    const report = (r: Partial<TaskReport>, when: string) => ({ ops: [{ op: 'taskStatus' as const, nodeId: 'n1', report: { taskId: 't1', message: 'm', containerId: C, ...r } as TaskReport, at: when }] });
    m.apply(2, report({ state: 'running' }, '2026-01-01T00:00:01.000Z'));
    m.apply(3, report({ state: 'failed', exitCode: 137, err: 'task: non-zero exit (137)' }, '2026-01-01T00:00:02.000Z'));
    expect(m.countsOfService('s1').running).toBe(0);
    // A late report of running, without the node saying it restarted the container: stale.
    m.apply(4, report({ state: 'running' }, '2026-01-01T00:00:03.000Z'));
    expect(m.tasks.get('t1')!.Status.State).toBe('failed');
    m.apply(5, report({ state: 'running', restarted: true, pid: 42 }, '2026-01-01T00:00:04.000Z'));
    const t = m.tasks.get('t1')!;
    expect(t.Status).toMatchObject({ State: 'running', RunningAt: '2026-01-01T00:00:04.000Z', ContainerStatus: { ContainerID: C, PID: 42 } });
    expect(t.Status.Err).toBeUndefined();
    expect(t.Status.ContainerStatus?.ExitCode).toBeUndefined();
    expect(m.countsOfService('s1').running).toBe(1);
    // The same report again changes nothing.
    m.apply(6, report({ state: 'running', restarted: true }, '2026-01-01T00:00:05.000Z'));
    expect(m.tasks.get('t1')!.Version.Index).toBe(5);
  });

  it('remembers when a task reached running through its later states', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('task', task('t1', 's1', 'n1'), null)] });
    const report = (state: Task['Status']['State'], when: string) => ({
      ops: [{ op: 'taskStatus' as const, nodeId: 'n1', report: { taskId: 't1', state, message: state }, at: when }],
    });
    m.apply(2, report('starting', '2026-01-01T00:00:01.000Z'));
    expect(m.tasks.get('t1')!.Status.RunningAt).toBeUndefined();
    m.apply(3, report('running', '2026-01-01T00:00:02.000Z'));
    m.apply(4, report('failed', '2026-01-01T00:00:09.000Z'));
    expect(m.tasks.get('t1')!.Status).toMatchObject({ State: 'failed', Timestamp: '2026-01-01T00:00:09.000Z', RunningAt: '2026-01-01T00:00:02.000Z' });
  });

  it('applies a retried request once', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('service', service('s1', 'web'), null)], requestId: 'r1' });
    const again = m.apply(2, { ops: [put('service', service('s1', 'web'), null)], requestId: 'r1' });
    expect(again.ok).toBe(true);
    if (again.ok) expect(again.event).toEqual({ index: 1, changes: [] });
  });

  it('serialises and restores to the same state', () => {
    const m = new StateMachine();
    m.apply(1, { ops: [put('service', service('s1', 'web'), null), put('task', task('t1', 's1', 'n1'), null)], requestId: 'r' });
    const r = StateMachine.restore(m.serialize());
    expect(r.index).toBe(1);
    expect(r.services.get('s1')).toEqual(m.services.get('s1'));
    expect(r.tasksOfNode('n1').map((t) => t.ID)).toEqual(['t1']);
    expect(r.idByName('service', 'web')).toBe('s1');
    expect(r.serialize()).toBe(m.serialize());
  });

  it('refuses to go back in index', () => {
    const m = new StateMachine();
    m.apply(5, { ops: [] });
    expect(() => m.apply(5, { ops: [] })).toThrow(/index 5 applied after 5/);
  });
});

describe('StateMachine.countsOfService', () => {
  it('always equals counting every task of the service, whatever puts, reports, deletes and restores do', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom('put', 'report', 'delete'),
            task: fc.integer({ min: 0, max: 5 }),
            service: fc.constantFrom('s1', 's2'),
            state: fc.constantFrom<Task['Status']['State']>('assigned', 'running', 'complete', 'failed', 'shutdown'),
            desired: fc.constantFrom<Task['DesiredState']>('running', 'shutdown', 'complete'),
          }),
          { maxLength: 40 },
        ),
        (steps) => {
          const m = new StateMachine();
          let i = 1;
          m.apply(i++, { ops: [put('service', service('s1', 'a'), null), put('service', service('s2', 'b'), null)] });
          for (const s of steps) {
            const id = `t${s.task}`;
            const cur = m.tasks.get(id);
            if (s.kind === 'put') {
              const t = { ...task(id, cur?.ServiceID ?? s.service, 'n1'), DesiredState: s.desired, Status: { Timestamp: at, State: s.state, Message: '' } };
              m.apply(i++, { ops: [put('task', t)] });
            } else if (s.kind === 'report') {
              m.apply(i++, { ops: [{ op: 'taskStatus', nodeId: 'n1', report: { taskId: id, state: s.state, message: '' }, at }] });
            } else {
              m.apply(i++, { ops: [del('task', id)] });
            }
          }
          const again = StateMachine.restore(m.serialize());
          for (const sm of [m, again]) {
            for (const sid of ['s1', 's2']) expect(sm.countsOfService(sid)).toEqual(serviceTaskCounts(sm.tasksOfService(sid)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('StateMachine task indexes', () => {
  it('tasks by service and by node always equal a walk over every task, whatever puts, moves, reports and deletes do', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom('put', 'report', 'delete'),
            task: fc.integer({ min: 0, max: 6 }),
            service: fc.constantFrom('s1', 's2'),
            node: fc.constantFrom<string | undefined>('n1', 'n2', undefined),
            state: fc.constantFrom<Task['Status']['State']>('assigned', 'running', 'complete'),
          }),
          { maxLength: 50 },
        ),
        (steps) => {
          const m = new StateMachine();
          let i = 1;
          m.apply(i++, { ops: [put('service', service('s1', 'a'), null), put('service', service('s2', 'b'), null)] });
          for (const s of steps) {
            const id = `t${s.task}`;
            const cur = m.tasks.get(id);
            if (s.kind === 'put') m.apply(i++, { ops: [put('task', { ...task(id, s.service, s.node), Status: { Timestamp: at, State: s.state, Message: '' } })] });
            else if (s.kind === 'report') m.apply(i++, { ops: [{ op: 'taskStatus', nodeId: cur?.NodeID ?? 'n1', report: { taskId: id, state: s.state, message: '' }, at }] });
            else m.apply(i++, { ops: [del('task', id)] });
          }
          const byId = (a: Task, b: Task) => (a.ID < b.ID ? -1 : 1);
          const all = [...m.tasks.values()].sort(byId);
          for (const sm of [m, StateMachine.restore(m.serialize())]) {
            for (const sid of ['s1', 's2', 'sx']) expect(sm.tasksOfService(sid).sort(byId)).toEqual(all.filter((t) => t.ServiceID === sid));
            for (const nid of ['n1', 'n2', 'nx']) expect(sm.tasksOfNode(nid).sort(byId)).toEqual(all.filter((t) => t.NodeID === nid));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
