import type { TaskReport } from '@flotilla/contracts';

/**
 * Wraps the task runner's report callback: a task's first `preparing` starts
 * its clock, its container started (`starting`, or `running` without a
 * healthcheck) stops it. Restarts of an existing container, and tasks that end
 * before starting, are not timed. Reports pass through unchanged.
 */
export function timeTaskStarts(report: (r: TaskReport) => void, now: () => number, observe: (seconds: number) => void): (r: TaskReport) => void {
  const since = new Map<string, number>();
  return (r) => {
    if (r.state === 'preparing') {
      if (!since.has(r.taskId)) since.set(r.taskId, now());
    } else if (r.state === 'starting' || r.state === 'running') {
      const t0 = since.get(r.taskId);
      if (t0 !== undefined) {
        since.delete(r.taskId);
        observe((now() - t0) / 1000);
      }
    } else if (r.state !== 'ready') {
      since.delete(r.taskId);
    }
    report(r);
  };
}
