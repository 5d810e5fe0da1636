import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Service, Task, TaskState } from '@flotilla/contracts';
import { reconcile } from './reconcile';
import { node, reconcileInput, service, T0, task } from './test-fixtures';

function job(max: number, total: number, iteration = 0): Service {
  const s = service('j', 1, { RestartPolicy: { Condition: 'on-failure', Delay: 0 } });
  return { ...s, Spec: { ...s.Spec, Mode: { ReplicatedJob: { MaxConcurrent: max, TotalCompletions: total } } }, JobStatus: { JobIteration: { Index: iteration } } };
}
function globalJob(iteration = 0): Service {
  const s = service('g', 'global');
  return { ...s, Spec: { ...s.Spec, Mode: { GlobalJob: {} } }, JobStatus: { JobIteration: { Index: iteration } } };
}
/** A job task in `slot` (0 = none), of run `iteration`. */
function jt(svc: Service, slot: number, state: TaskState, o: { iteration?: number; desired?: TaskState; node?: string; exit?: number } = {}): Task {
  return { ...task(svc, slot, state, { node: o.node ?? 'n1', desired: o.desired ?? 'complete', exit: o.exit }), JobIteration: { Index: o.iteration ?? 0 } };
}
const nodes = [node('n1'), node('n2')];
const plan = (svc: Service, tasks: Task[], now = T0 + 60_000) => reconcile(reconcileInput([svc], tasks, nodes, now));
const slots = (ts: Task[]) => ts.map((t) => t.Slot ?? 0).sort();

describe('replicated jobs', () => {
  it('starts MaxConcurrent tasks in the first free slots, desired Complete, of the current run', () => {
    const p = plan(job(2, 5), []);
    expect(slots(p.create)).toEqual([0, 1]);
    expect(p.create.every((t) => t.DesiredState === 'complete' && t.JobIteration?.Index === 0)).toBe(true);
  });

  it('starts the next slot as one completes, never more than MaxConcurrent at once', () => {
    const svc = job(2, 5);
    const p = plan(svc, [jt(svc, 0, 'complete', { exit: 0 }), jt(svc, 1, 'running')]);
    expect(slots(p.create)).toEqual([2]);
  });

  it('never goes past TotalCompletions', () => {
    const svc = job(2, 3);
    const p = plan(svc, [jt(svc, 0, 'complete'), jt(svc, 1, 'complete'), jt(svc, 2, 'running')]);
    expect(p.create).toEqual([]);
    expect(plan(svc, [jt(svc, 0, 'complete'), jt(svc, 1, 'complete'), jt(svc, 2, 'complete')]).create).toEqual([]);
  });

  it('retries a failed task in its slot under the restart policy, and holds its slot meanwhile', () => {
    const svc = job(1, 2);
    const failed = jt(svc, 0, 'failed', { exit: 3 });
    const p = plan(svc, [failed]);
    expect(slots(p.create)).toEqual([0]);
    expect(p.update.find((t) => t.ID === failed.ID)?.DesiredState).toBe('shutdown');
  });

  it('does not retry under restart condition none, and the job does not complete', () => {
    const base = job(1, 2);
    const svc = { ...base, Spec: { ...base.Spec, TaskTemplate: { ...base.Spec.TaskTemplate, RestartPolicy: { Condition: 'none' as const } } } };
    expect(plan(svc, [jt(svc, 0, 'failed', { exit: 3 })]).create).toEqual([]);
  });

  it('waits out the restart delay', () => {
    const base = job(1, 1);
    const svc = { ...base, Spec: { ...base.Spec, TaskTemplate: { ...base.Spec.TaskTemplate, RestartPolicy: { Condition: 'on-failure' as const, Delay: 10e9 } } } };
    const p = plan(svc, [jt(svc, 0, 'failed', { exit: 3 })], T0 + 1000);
    expect(p.create).toEqual([]);
    expect(p.wakeAt).toBe(T0 + 10_000);
  });

  it('a new run (iteration) starts over and removes what still runs of the last one', () => {
    const svc = job(2, 2, 1);
    const old = jt(svc, 0, 'running', { iteration: 0 });
    const p = plan(svc, [old, jt(svc, 1, 'complete', { iteration: 0 })]);
    expect(slots(p.create)).toEqual([0, 1]);
    expect(p.create.every((t) => t.JobIteration?.Index === 1)).toBe(true);
    expect(p.update.find((t) => t.ID === old.ID)?.DesiredState).toBe('remove');
  });

  it('replaces at once a task whose node went down', () => {
    const svc = job(1, 1);
    const p = reconcile(reconcileInput([svc], [jt(svc, 0, 'running', { node: 'n2' })], [node('n1'), node('n2', { state: 'down' })], T0));
    expect(slots(p.create)).toEqual([0]);
  });

  it('property: never more than MaxConcurrent live, never more than TotalCompletions slots', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 12 }), fc.array(fc.constantFrom<TaskState>('complete', 'running', 'failed'), { maxLength: 12 }), (max, total, states) => {
        const svc = job(max, total);
        // A state the job could be in: at most MaxConcurrent slots not yet complete.
        let open = 0;
        const valid = states.slice(0, total).map((s) => (s !== 'complete' && ++open > max ? 'complete' : s));
        const tasks = valid.map((s, i) => jt(svc, i, s, { exit: s === 'failed' ? 1 : 0 }));
        const p = plan(svc, tasks);
        const shut = new Set(p.update.filter((t) => t.DesiredState !== 'complete').map((t) => t.ID));
        const live = [...tasks.filter((t) => t.Status.State !== 'complete' && !shut.has(t.ID)), ...p.create];
        const liveNotFailed = live.filter((t) => t.Status.State !== 'failed');
        expect(liveNotFailed.length).toBeLessThanOrEqual(max);
        expect(new Set([...tasks, ...p.create].map((t) => t.Slot ?? 0)).size).toBeLessThanOrEqual(total);
      }),
    );
  });
});

describe('global jobs', () => {
  it('one task per eligible node, desired Complete', () => {
    const p = plan(globalJob(), []);
    expect(p.create.map((t) => t.NodeID).sort()).toEqual(['n1', 'n2']);
    expect(p.create.every((t) => t.DesiredState === 'complete')).toBe(true);
  });

  it('a node whose task completed gets nothing more', () => {
    const svc = globalJob();
    const p = plan(svc, [jt(svc, 0, 'complete', { node: 'n1' }), jt(svc, 0, 'running', { node: 'n2' })]);
    expect(p.create).toEqual([]);
  });
});
