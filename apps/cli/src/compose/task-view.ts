import { LABEL, type Service, type Task } from '@flotilla/contracts';
import { dependencyVerdict, hasDependencies } from '@flotilla/scheduling';
import type { StackState } from '../client/api-client';

/** The compose service name of a flotilla service (the label compose puts on it). */
export function composeService(s: Service): string {
  return s.Spec.Labels?.[LABEL.composeService] ?? s.Spec.Name;
}

export function desiredReplicas(s: Service, nodes = 1): number {
  return 'Replicated' in s.Spec.Mode ? (s.Spec.Mode.Replicated.Replicas ?? 1) : nodes;
}

/** The task that currently stands for each slot: the newest one, history aside. */
export function currentTasks(state: StackState): Task[] {
  const best = new Map<string, Task>();
  for (const t of state.tasks) {
    const key = `${t.ServiceID}/${t.Slot || t.NodeID}`;
    const cur = best.get(key);
    if (!cur || t.CreatedAt > cur.CreatedAt || (t.CreatedAt === cur.CreatedAt && t.ID > cur.ID)) best.set(key, t);
  }
  return [...best.values()].filter((t) => t.DesiredState !== 'remove');
}

export interface Convergence {
  done: boolean;
  running: number;
  desired: number;
  /**
   * A task that failed to start, with its error: `up` reports it instead of waiting forever. `step`: where
   * (the worker's message): `creating` the engine refused the container, `starting` it made it and could not start it.
   */
  failure?: { service: string; err: string; slot?: number; step?: string };
}

export function convergence(state: StackState, services?: Set<string>): Convergence {
  let running = 0;
  let desired = 0;
  let failure: Convergence['failure'];
  const byId = new Map(state.services.map((s) => [s.ID, s]));
  for (const s of state.services) {
    if (services && !services.has(composeService(s))) continue;
    desired += desiredReplicas(s);
  }
  const current = new Set(currentTasks(state).map((t) => t.ID));
  for (const t of state.tasks) {
    const s = byId.get(t.ServiceID);
    if (!s || (services && !services.has(composeService(s)))) continue;
    // A one-shot that finished (exit 0) is as far as it goes: `up` does not wait for it to run again.
    if (t.DesiredState === 'running' && (t.Status.State === 'running' || t.Status.State === 'complete') && upToDate(t, s)) running++;
    // So is one that ran and ended and will not be started again, however it exited, even if no
    // poll saw it running (a 2 s job on a loaded host): its slot's newest task.
    else if (current.has(t.ID) && ranToEnd(t, s) && upToDate(t, s)) running++;
    // Only a task whose container never ran fails `up`: 1.29's `up` does not fail for a container that exits.
    // Nor one in a slot scaled away (`scale web=2` after a third failed to start): it goes with its slot.
    else if (t.DesiredState === 'running' && (t.Status.State === 'rejected' || t.Status.State === 'failed') && t.Status.Err && !ran(t) && !scaledAway(t, s)) {
      failure ??= { service: composeService(s), err: t.Status.Err, slot: t.Slot, step: t.Status.Message };
    }
  }
  return { done: running >= desired, running, desired, failure };
}

/** A replicated service's task whose slot is above the count the service now asks for. */
function scaledAway(t: Task, s: Service): boolean {
  return 'Replicated' in s.Spec.Mode && !!t.Slot && t.Slot > desiredReplicas(s);
}

/** The task's container ran: the engine gave its exit code. */
function ran(t: Task): boolean {
  return t.Status.ContainerStatus?.ExitCode !== undefined;
}

/** Ended on its own after running (not stopped), and its restart policy declines another run. */
export function ranToEnd(t: Task, s: Service): boolean {
  if ((t.Status.State !== 'complete' && t.Status.State !== 'failed') || !ran(t)) return false;
  const cond = s.Spec.TaskTemplate.RestartPolicy?.Condition ?? 'any';
  return cond === 'none' || (cond === 'on-failure' && t.Status.ContainerStatus?.ExitCode === 0);
}

/** Docker's `_up-to-date`: the task runs the service's current task template. */
export function upToDate(t: Task, s: Service): boolean {
  return canonical(t.Spec) === canonical(s.Spec.TaskTemplate);
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

/**
 * A dependency that can no longer be met, in docker-compose 1.29's words (`for web  Container
 * "0123456789ab" is unhealthy.`): `up` gives up there, as 1.29 does, leaving what runs running.
 */
export function dependencyFailure(state: StackState, services?: Set<string>): string | undefined {
  const byName = new Map(state.services.map((s) => [s.Spec.Name, s]));
  const tasksOf = (id: string) => state.tasks.filter((t) => t.ServiceID === id);
  for (const s of state.services) {
    if (!hasDependencies(s) || (services && !services.has(composeService(s)))) continue;
    const v = dependencyVerdict(s, (n) => byName.get(n), tasksOf);
    if (v.kind !== 'failed') continue;
    const id = (v.task.Status.ContainerStatus?.ContainerID ?? v.task.ID).slice(0, 12);
    const why = v.reason === 'unhealthy' ? `Container "${id}" is unhealthy.` : `Container "${id}" exited with code ${v.exitCode ?? 1}.`;
    return `for ${composeService(s)}  ${why}`;
  }
  return undefined;
}
