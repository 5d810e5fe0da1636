import { describe, expect, it } from 'vitest';
import type { Task, TaskReport } from '@flotilla/contracts';
import { revivesInPlace } from './task-revival';

const C = 'c'.repeat(64);
const at = '2026-01-01T00:00:00.000Z';

function ended(o: { state?: Task['Status']['State']; desired?: Task['DesiredState']; container?: string } = {}): Task {
  return {
    ID: 't1',
    Version: { Index: 3 },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: { ContainerSpec: { Image: 'x' } },
    ServiceID: 's1',
    Slot: 1,
    NodeID: 'n1',
    DesiredState: o.desired ?? 'running',
    Status: { Timestamp: at, State: o.state ?? 'failed', Message: 'started', ContainerStatus: o.container === '' ? {} : { ContainerID: o.container ?? C, ExitCode: 137 } },
  };
}

const report = (o: Partial<TaskReport> = {}): TaskReport => ({ taskId: 't1', state: 'running', message: 'started', containerId: C, restarted: true, ...o });

describe('revivesInPlace', () => {
  it.each([
    ['a failed task, its own container restarted', ended(), report(), true],
    ['a complete task (exit 0), its own container restarted', ended({ state: 'complete' }), report(), true],
    ['back to starting (a healthcheck gates it)', ended(), report({ state: 'starting' }), true],
    ['no restart said: an ordinary late report', ended(), report({ restarted: undefined }), false],
    ['another container (a replacement of the node\'s own making)', ended(), report({ containerId: 'd'.repeat(64) }), false],
    ['a report without a container', ended(), report({ containerId: undefined }), false],
    ['a task that never had a container', ended({ container: '' }), report(), false],
    ['retired for a replacement (DesiredState shutdown)', ended({ desired: 'shutdown' }), report(), false],
    ['being removed', ended({ desired: 'remove' }), report(), false],
    ['a job run to its end (DesiredState complete)', ended({ state: 'complete', desired: 'complete' }), report(), false],
    ['stopped on purpose', ended({ state: 'shutdown' }), report(), false],
    ['rejected: it never ran', ended({ state: 'rejected' }), report(), false],
    ['lost with its node', ended({ state: 'orphaned' }), report(), false],
    ['a revival that says the task ended', ended(), report({ state: 'failed' }), false],
    ['a revival to an early state', ended(), report({ state: 'preparing' }), false],
  ])('%s: %s', (_what, cur, r, want) => {
    expect(revivesInPlace(cur, r)).toBe(want);
  });
});
