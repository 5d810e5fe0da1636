import { isTerminal, taskStateRank, type PortConfig, type Task, type TaskReport } from '@flotilla/contracts';
import { rangePortsGot, type EngineBinding } from './range-ports';
import type { RestartPhase } from './in-place-restart';

/** What the worker sees of one of its containers. */
export interface ObservedContainer {
  id: string;
  taskId: string;
  state: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  exitCode?: number;
  /** Why the container ended (OOM, engine error). */
  error?: string;
  /** The engine's verdict on a container with a healthcheck (absent without one). */
  health?: ContainerHealth;
  /** Its host bindings (a host range's port may change when it restarts in place). */
  ports?: EngineBinding[];
}

export type ContainerHealth = 'starting' | 'healthy' | 'unhealthy';

/**
 * How a task whose container turned unhealthy ends, as swarmkit's dockerexec
 * ends it: the container is stopped (grace period, then SIGKILL); a non-zero
 * exit fails the task with Docker's words, an exit 0 completes it.
 */
export function unhealthyReport(taskId: string, containerId: string, exitCode: number): TaskReport {
  if (exitCode === 0) return { taskId, state: 'complete', message: 'finished', containerId, exitCode, health: 'unhealthy' };
  return { taskId, state: 'failed', message: 'started', err: `task: non-zero exit (${exitCode}): dockerexec: unhealthy container`, containerId, exitCode, health: 'unhealthy' };
}

export type ContainerAction =
  | { kind: 'create'; task: Task }
  | { kind: 'start'; task: Task; containerId: string }
  | { kind: 'stop'; task: Task; containerId: string; remove: boolean }
  /** Unhealthy: stop the container and end the task (the orchestrator replaces it). */
  | { kind: 'stop-unhealthy'; task: Task; containerId: string }
  | { kind: 'remove'; containerId: string; taskId: string }
  | { kind: 'report'; report: TaskReport };

/**
 * Assignment set + what Docker has -> what to do, as a pure function (the
 * worker's level-triggered reconcile; swarmkit's agent does the same per task).
 * Running it twice on the same inputs gives the same actions, and actions for
 * tasks already in flight are filtered by the caller.
 */
const STARTING = taskStateRank('starting');
const COMPLETE = taskStateRank('complete');

/** A start or restart in place of a task's container (see in-place-restart), by task. */
export type RestartsInPlace = ReadonlyMap<string, { containerId: string; phase: RestartPhase }>;

export function planContainers(
  tasks: Task[],
  containers: ObservedContainer[],
  restarts: RestartsInPlace = new Map(),
  /** A service's published ports: a container restarted in place says which port of a host range it got now. */
  servicePorts: (serviceId: string) => PortConfig[] = () => [],
): ContainerAction[] {
  const byTask = new Map<string, ObservedContainer[]>();
  for (const c of containers) byTask.set(c.taskId, [...(byTask.get(c.taskId) ?? []), c]);
  const actions: ContainerAction[] = [];
  const assigned = new Set<string>();

  for (const task of tasks) {
    assigned.add(task.ID);
    const [c, ...dupes] = byTask.get(task.ID) ?? [];
    // One task is one container; extras (a crash between create and record) go.
    for (const d of dupes) actions.push({ kind: 'remove', containerId: d.id, taskId: task.ID });
    const state = task.Status.State;
    const desired = task.DesiredState;

    if (desired === 'remove') {
      if (c) actions.push({ kind: 'stop', task, containerId: c.id, remove: true });
      else if (!isTerminal(state)) actions.push(report(task, 'shutdown', 'removed'));
      continue;
    }
    // Held (a stop-first replacement whose predecessor still stops somewhere): not created until
    // the manager says run, so the two never overlap (Swarm's desired state Ready).
    if (desired === 'ready' && !c) continue;
    // `complete` is a job's desired state: run to the end, as `running` is a service's.
    if (taskStateRank(desired) > COMPLETE) {
      // Desired shutdown: stop, keep the container for its logs until the task is deleted.
      if (c && (c.state === 'running' || c.state === 'restarting' || c.state === 'paused')) {
        actions.push({ kind: 'stop', task, containerId: c.id, remove: false });
      } else if (!isTerminal(state)) {
        actions.push(c ? exited(task, c) ?? report(task, 'shutdown', 'shutdown') : report(task, 'shutdown', 'shutdown'));
      }
      continue;
    }
    const restart = restarts.get(task.ID);
    const inPlace = c && restart?.containerId === c.id ? restart.phase : undefined;
    if (inPlace === 'restarted' && desired === 'running' && (c!.state === 'running' || c!.state === 'paused')) {
      // Its own container started again in place: the task runs, even one that had ended with it
      // (said on every look for a while: a report of its stop may have raced this one).
      actions.push({ kind: 'report', report: revived(task, c!, rangePortsGot(servicePorts(task.ServiceID), c!.ports ?? [])) });
      if (isTerminal(state)) continue;
    }
    if (isTerminal(state)) continue; // the orchestrator replaces it with a new task
    if (!c) {
      if (state === 'running') actions.push(report(task, 'failed', 'task: non-zero exit (container removed)', 'container was removed'));
      else actions.push({ kind: 'create', task });
      continue;
    }
    if (c.state === 'running' || c.state === 'restarting' || c.state === 'paused') {
      // A healthcheck gates `running` (swarmkit's health-aware start): `starting` until healthy.
      const paused = c.state === 'paused';
      if (state === 'running' && paused !== !!task.Status.ContainerStatus?.Paused) {
        // Paused or unpaused since the last report: restated, so `compose ps` can say `Paused` on any node.
        actions.push({ kind: 'report', report: { taskId: task.ID, state: 'running', message: 'started', containerId: c.id, paused } });
      } else if (c.health === 'unhealthy') actions.push({ kind: 'stop-unhealthy', task, containerId: c.id });
      else if (c.health === 'starting') {
        if (taskStateRank(state) < STARTING) actions.push({ kind: 'report', report: { taskId: task.ID, state: 'starting', message: 'starting', containerId: c.id, health: 'starting' } });
      } else if (state !== 'running') {
        actions.push({ kind: 'report', report: { taskId: task.ID, state: 'running', message: 'started', containerId: c.id, ...(c.health ? { health: c.health } : {}) } });
      }
    } else if (c.state === 'created') {
      actions.push({ kind: 'start', task, containerId: c.id });
    } else if (inPlace !== 'restarting') {
      // (While the engine restarts it in place, a stopped container is not the task's end.)
      const r = exited(task, c);
      if (r) actions.push(r);
    }
  }
  for (const c of containers) {
    if (!assigned.has(c.taskId)) actions.push({ kind: 'remove', containerId: c.id, taskId: c.taskId });
  }
  return actions;
}

/** A task whose container runs again after a restart in place (libs/state's revivesInPlace takes it back from its end). */
function revived(task: Task, c: ObservedContainer, ports: PortConfig[]): TaskReport {
  return {
    taskId: task.ID,
    state: c.health === 'starting' ? 'starting' : 'running',
    message: 'started',
    containerId: c.id,
    restarted: true,
    ...(c.health ? { health: c.health } : {}),
    ...(c.state === 'paused' ? { paused: true } : {}),
    // The engine binds a host range again as it starts: the port may be another one of it (1.29's too).
    ...(ports.length ? { ports } : {}),
  };
}

function report(task: Task, state: TaskReport['state'], message: string, err?: string): ContainerAction {
  return { kind: 'report', report: { taskId: task.ID, state, message, ...(err ? { err } : {}) } };
}

/** An ended container's task: complete on exit 0, failed otherwise (as Swarm reports it). */
function exited(task: Task, c: ObservedContainer): ContainerAction | undefined {
  if (c.state !== 'exited' && c.state !== 'dead') return undefined;
  const code = c.exitCode ?? -1;
  if (code === 0 && !c.error) {
    return { kind: 'report', report: { taskId: task.ID, state: 'complete', message: 'finished', containerId: c.id, exitCode: 0 } };
  }
  return {
    kind: 'report',
    report: {
      taskId: task.ID,
      state: 'failed',
      message: 'started',
      err: c.error || `task: non-zero exit (${code})`,
      containerId: c.id,
      exitCode: code,
    },
  };
}
