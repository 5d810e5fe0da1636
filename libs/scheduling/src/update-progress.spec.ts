import { describe, expect, it } from 'vitest';
import type { Service, Task, TaskState, UpdateConfig, UpdateStatus } from '@flotilla/contracts';
import { planUpdateProgress, planUpdates } from './update-progress';
import { reconcile } from './reconcile';
import { iso, node, reconcileInput, service, T0, task } from './test-fixtures';

const S = 1e9;
const oldSpec = service('s', 2).Spec;
const newTemplate = { ContainerSpec: { Image: 'img:2' } };

/** A service updated at T0 from `img` to `img:2`, with the given configs and status. */
function updated(status: UpdateStatus['State'] = 'updating', cfg: UpdateConfig = {}, rollbackCfg?: UpdateConfig, replicas = 2): Service {
  const s = service('s', replicas, newTemplate, { UpdateConfig: cfg, ...(rollbackCfg ? { RollbackConfig: rollbackCfg } : {}) });
  return { ...s, PreviousSpec: { ...oldSpec, Mode: s.Spec.Mode }, UpdateStatus: { State: status, StartedAt: iso(T0), Message: 'update in progress' } };
}

/** A task of `svc`'s current spec, created `createdAfter` ms after T0, now in `state` since `at`. */
function ours(svc: Service, slot: number, state: TaskState, o: { at?: number; runningAt?: number; createdAfter?: number } = {}): Task {
  const t = task(svc, slot, state, { at: T0 + (o.at ?? 1000), node: 'n1' });
  return {
    ...t,
    CreatedAt: iso(T0 + (o.createdAfter ?? 10)),
    Status: { ...t.Status, ...(o.runningAt !== undefined ? { RunningAt: iso(T0 + o.runningAt) } : {}) },
  };
}

/** A task of the old spec, created before the update. */
function old(slot: number, state: TaskState, desired: TaskState = 'running'): Task {
  const t = task(service('s', 2), slot, state, { node: 'n1', desired, at: T0 - 60_000 });
  return { ...t, CreatedAt: iso(T0 - 60_000) };
}

describe('planUpdateProgress', () => {
  it.each<[string, Service, Task[], number, { state?: string; message?: string; wakeAt?: number; rolledBack?: boolean }]>([
    [
      'waits while the first batch starts',
      updated(),
      [ours(updated(), 1, 'starting'), old(2, 'running')],
      T0 + 2000,
      {},
    ],
    [
      'pauses (the default) when a new task fails before running',
      updated(),
      [ours(updated(), 1, 'failed', { at: 3000 }), old(2, 'running')],
      T0 + 4000,
      { state: 'paused', message: 'update paused due to failure or early termination of task ' },
    ],
    [
      'counts a task that failed within Monitor of running',
      updated('updating', { Monitor: 5 * S }),
      [ours(updated(), 1, 'failed', { runningAt: 2000, at: 6000 }), old(2, 'running')],
      T0 + 7000,
      { state: 'paused' },
    ],
    [
      'ignores a task that failed after Monitor (the restart policy handles it)',
      updated('updating', { Monitor: 5 * S }),
      [ours(updated(), 1, 'failed', { runningAt: 2000, at: 9000 }), old(2, 'running')],
      T0 + 10_000,
      {},
    ],
    [
      'rolls back to the previous spec with failure action rollback',
      updated('updating', { FailureAction: 'rollback' }),
      [ours(updated(), 1, 'failed', { at: 3000 }), old(2, 'running')],
      T0 + 4000,
      { state: 'rollback_started', message: 'update rolled back due to failure or early termination of task ', rolledBack: true },
    ],
    [
      'never rolls back a rollback: it pauses it',
      updated('rollback_started', {}, { FailureAction: 'rollback' }),
      [ours(updated(), 1, 'rejected', { at: 3000 }), old(2, 'running')],
      T0 + 4000,
      { state: 'rollback_paused', message: 'rollback paused due to failure or early termination of task ' },
    ],
    [
      'paces a rollback by RollbackConfig, not UpdateConfig',
      updated('rollback_started', { FailureAction: 'continue' }, { FailureAction: 'pause' }),
      [ours(updated(), 1, 'failed', { at: 3000 }), old(2, 'running')],
      T0 + 4000,
      { state: 'rollback_paused' },
    ],
    [
      'continues past failures with failure action continue',
      updated('updating', { FailureAction: 'continue' }),
      [ours(updated(), 1, 'failed', { at: 3000 }), old(2, 'running')],
      T0 + 4000,
      {},
    ],
    [
      'tolerates failures up to MaxFailureRatio of the slots',
      updated('updating', { MaxFailureRatio: 0.5 }),
      [ours(updated(), 1, 'failed', { at: 3000 }), old(2, 'running')],
      T0 + 4000,
      {},
    ],
    [
      'acts once failures pass MaxFailureRatio',
      updated('updating', { MaxFailureRatio: 0.5 }),
      [ours(updated(), 1, 'failed', { at: 3000 }), ours(updated(), 2, 'failed', { at: 3500 })],
      T0 + 4000,
      { state: 'paused' },
    ],
    [
      'does not count failures of tasks from before the update',
      updated(),
      [ours(updated(), 1, 'failed', { at: 3000, createdAfter: -5000 }), ours(updated(), 2, 'running', { runningAt: 1000 })],
      T0 + 2000,
      {},
    ],
    [
      'waits for Monitor after the last task runs before completing',
      updated('updating', { Monitor: 5 * S }),
      [ours(updated(), 1, 'running', { runningAt: 1000 }), ours(updated(), 2, 'running', { runningAt: 3000 }), old(1, 'shutdown', 'shutdown')],
      T0 + 4000,
      { wakeAt: T0 + 8000 },
    ],
    [
      'completes once every slot runs the new spec past Monitor',
      updated('updating', { Monitor: 5 * S }),
      [ours(updated(), 1, 'running', { runningAt: 1000 }), ours(updated(), 2, 'running', { runningAt: 3000 }), old(1, 'shutdown', 'shutdown')],
      T0 + 8000,
      { state: 'completed', message: 'update completed' },
    ],
    [
      'completes a rollback as rollback_completed',
      updated('rollback_started'),
      [ours(updated(), 1, 'running', { runningAt: 1000 }), ours(updated(), 2, 'running', { runningAt: 1000 })],
      T0 + 7000,
      { state: 'rollback_completed', message: 'rollback completed' },
    ],
    [
      'is not complete while a stale task still runs',
      updated(),
      [ours(updated(), 1, 'running', { runningAt: 1000 }), old(2, 'running')],
      T0 + 60_000,
      {},
    ],
    [
      'is not complete while a task is only starting (its healthcheck not passed)',
      updated(),
      [ours(updated(), 1, 'running', { runningAt: 1000 }), ours(updated(), 2, 'starting')],
      T0 + 60_000,
      {},
    ],
    ['leaves a paused update alone', updated('paused'), [ours(updated(), 1, 'failed', { at: 3000 })], T0 + 4000, {}],
  ])('%s', (_name, svc, tasks, now, want) => {
    const step = planUpdateProgress(svc, tasks, now);
    if (!want.state) {
      expect(step).toEqual({ kind: 'wait', ...(want.wakeAt !== undefined ? { wakeAt: want.wakeAt } : {}) });
      return;
    }
    expect(step.kind).toBe('write');
    if (step.kind !== 'write') return;
    expect(step.service.UpdateStatus?.State).toBe(want.state);
    if (want.message) expect(step.service.UpdateStatus?.Message).toContain(want.message);
    if (want.rolledBack) {
      expect(step.service.Spec).toEqual(svc.PreviousSpec);
      expect(step.service.PreviousSpec).toBeUndefined();
      expect(step.service.UpdateStatus?.StartedAt).toBe(iso(now));
    } else expect(step.service.Spec).toBe(svc.Spec);
  });

  it('names the task whose failure triggered the action', () => {
    const svc = updated();
    const bad = ours(svc, 1, 'failed', { at: 3000 });
    const step = planUpdateProgress(svc, [bad, old(2, 'running')], T0 + 4000);
    expect(step.kind === 'write' && step.service.UpdateStatus?.Message).toBe(`update paused due to failure or early termination of task ${bad.ID}`);
  });

  it('pauses instead when there is no previous spec to roll back to', () => {
    const svc = { ...updated('updating', { FailureAction: 'rollback' }), PreviousSpec: undefined };
    const step = planUpdateProgress(svc, [ours(svc, 1, 'failed', { at: 3000 })], T0 + 4000);
    expect(step.kind === 'write' && step.service.UpdateStatus?.State).toBe('paused');
  });

  it('planUpdates returns the writes and the earliest monitor end', () => {
    const a = updated('updating', { Monitor: 5 * S });
    const b = { ...updated('updating', { Monitor: 2 * S }), ID: 'b' };
    const c = { ...updated(), ID: 'c' };
    const tasks: Record<string, Task[]> = {
      s: [ours(a, 1, 'running', { runningAt: 1000 }), ours(a, 2, 'running', { runningAt: 1000 })],
      b: [{ ...ours(b, 1, 'running', { runningAt: 1000 }), ServiceID: 'b' }, { ...ours(b, 2, 'running', { runningAt: 1500 }), ServiceID: 'b' }],
      c: [{ ...ours(c, 1, 'failed', { at: 1000 }), ServiceID: 'c' }],
    };
    const out = planUpdates([a, b, c], (id) => tasks[id] ?? [], T0 + 2000);
    expect(out.write.map((s) => [s.ID, s.UpdateStatus?.State])).toEqual([['c', 'paused']]);
    expect(out.wakeAt).toBe(T0 + 3500);
  });
});

describe('reconcile during a paused update or a rollback', () => {
  const nodes = [node('n1')];

  it('replaces no more stale tasks once the update is paused', () => {
    const svc = updated('paused', { Parallelism: 1 });
    const plan = reconcile(reconcileInput([svc], [old(1, 'running'), old(2, 'running')], nodes, T0 + 5000));
    expect(plan.create).toEqual([]);
    expect(plan.update).toEqual([]);
  });

  it('replaces stale tasks while updating', () => {
    const svc = updated('updating', { Parallelism: 1 });
    const plan = reconcile(reconcileInput([svc], [old(1, 'running'), old(2, 'running')], nodes, T0 + 5000));
    expect(plan.create).toHaveLength(1);
  });

  it('takes parallelism from RollbackConfig during a rollback', () => {
    const svc = updated('rollback_started', { Parallelism: 1 }, { Parallelism: 0 });
    const plan = reconcile(reconcileInput([svc], [old(1, 'running'), old(2, 'running')], nodes, T0 + 5000));
    expect(plan.create).toHaveLength(2);
  });
});
