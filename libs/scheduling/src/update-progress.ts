import { isTerminal, taskStateRank, type Service, type Task, type UpdateStatus } from '@flotilla/contracts';
import { sameSpec } from './spec-equal';
import { activeUpdateConfig } from './update-config';

const RUNNING = taskStateRank('running');

/** What a rolling update (or rollback) of one service comes to at `now`. */
export type UpdateStep =
  /** Nothing to write; look again at `wakeAt` if set (a monitor period ends then). */
  | { kind: 'wait'; wakeAt?: number }
  /** The service to write: a new UpdateStatus, and on an automatic rollback the previous spec. */
  | { kind: 'write'; service: Service };

/**
 * swarmkit's updater as a pure function of the service and its tasks: the
 * tasks this update created are watched for failure (ending, or turning
 * unhealthy, before they run or within `Monitor` of running); past
 * `MaxFailureRatio` of the service's slots, `FailureAction` pauses, rolls
 * back (an update only: a rollback is never rolled back) or continues; once
 * every slot runs the current spec and the last one has run for `Monitor`,
 * the update is complete. Docker's messages, word for word.
 */
export function planUpdateProgress(svc: Service, tasks: readonly Task[], now: number): UpdateStep {
  const st = svc.UpdateStatus;
  if (!st || (st.State !== 'updating' && st.State !== 'rollback_started')) return { kind: 'wait' };
  const rollback = st.State === 'rollback_started';
  const cfg = activeUpdateConfig(svc);
  const startedMs = st.StartedAt ? Date.parse(st.StartedAt) : 0;
  const monitorMs = cfg.Monitor / 1e6;

  // This update's own tasks: the current spec, created since it started.
  const ours = tasks.filter((t) => sameSpec(t, svc) && Date.parse(t.CreatedAt) >= startedMs);
  const failed = ours.filter((t) => failedWithinMonitor(t, monitorMs)).sort(byTimestamp);
  if (failed.length > 0 && cfg.FailureAction !== 'continue' && failed.length / slotCount(svc, tasks) > cfg.MaxFailureRatio) {
    const culprit = failed[failed.length - 1].ID;
    const at = new Date(now).toISOString();
    if (cfg.FailureAction === 'rollback' && !rollback && svc.PreviousSpec) {
      return {
        kind: 'write',
        service: {
          ...svc,
          Spec: svc.PreviousSpec,
          PreviousSpec: undefined,
          UpdateStatus: { State: 'rollback_started', StartedAt: at, Message: `update rolled back due to failure or early termination of task ${culprit}` },
        },
      };
    }
    const status: UpdateStatus = {
      ...st,
      State: rollback ? 'rollback_paused' : 'paused',
      Message: `${rollback ? 'rollback' : 'update'} paused due to failure or early termination of task ${culprit}`,
    };
    return { kind: 'write', service: { ...svc, UpdateStatus: status } };
  }

  // Done when every task still wanted runs the current spec and the newest has been watched for Monitor.
  const live = tasks.filter((t) => taskStateRank(t.DesiredState) <= RUNNING && !isTerminal(t.Status.State));
  if (live.length < wantedTasks(svc, live) || live.some((t) => t.Status.State !== 'running' || !sameSpec(t, svc))) return { kind: 'wait' };
  let lastRunning = startedMs;
  for (const t of ours) lastRunning = Math.max(lastRunning, Date.parse(t.Status.RunningAt ?? t.Status.Timestamp));
  if (now < lastRunning + monitorMs) return { kind: 'wait', wakeAt: lastRunning + monitorMs };
  return {
    kind: 'write',
    service: {
      ...svc,
      UpdateStatus: {
        ...st,
        State: rollback ? 'rollback_completed' : 'completed',
        CompletedAt: new Date(now).toISOString(),
        Message: rollback ? 'rollback completed' : 'update completed',
      },
    },
  };
}

/**
 * A task of the update that stopped on its own (failed, rejected, or exited
 * while meant to run) before running, or within the monitor period after.
 */
function failedWithinMonitor(t: Task, monitorMs: number): boolean {
  const s = t.Status.State;
  if (s !== 'failed' && s !== 'rejected' && s !== 'complete') return false;
  if (!t.Status.RunningAt) return true;
  return Date.parse(t.Status.Timestamp) - Date.parse(t.Status.RunningAt) <= monitorMs;
}

/** The denominator of MaxFailureRatio: the slots being updated (every node of a global service). */
function slotCount(svc: Service, tasks: readonly Task[]): number {
  if ('Replicated' in svc.Spec.Mode) return Math.max(1, svc.Spec.Mode.Replicated.Replicas ?? 1);
  return Math.max(1, new Set(tasks.filter((t) => taskStateRank(t.DesiredState) <= RUNNING).map((t) => t.NodeID)).size);
}

function wantedTasks(svc: Service, live: readonly Task[]): number {
  return 'Replicated' in svc.Spec.Mode ? (svc.Spec.Mode.Replicated.Replicas ?? 1) : live.length;
}

function byTimestamp(a: Task, b: Task): number {
  return Date.parse(a.Status.Timestamp) - Date.parse(b.Status.Timestamp);
}

/** Every service's step at once: the services to write, and the earliest monitor end to wake at. */
export function planUpdates(services: Iterable<Service>, tasksOfService: (id: string) => readonly Task[], now: number): { write: Service[]; wakeAt?: number } {
  const write: Service[] = [];
  let wakeAt: number | undefined;
  for (const svc of services) {
    if (svc.UpdateStatus?.State !== 'updating' && svc.UpdateStatus?.State !== 'rollback_started') continue;
    const step = planUpdateProgress(svc, tasksOfService(svc.ID), now);
    if (step.kind === 'write') write.push(step.service);
    else if (step.wakeAt !== undefined && (wakeAt === undefined || step.wakeAt < wakeAt)) wakeAt = step.wakeAt;
  }
  return wakeAt === undefined ? { write } : { write, wakeAt };
}
