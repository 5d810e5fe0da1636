import type { Service, ServiceSpec, Task } from '@flotilla/contracts';
import type { ApiClient, StackState } from '../../client/api-client';
import { DockerApi } from '../../client/docker-api';
import { composeService, currentTasks, ranToEnd } from '../task-view';
import { runningReplicas, stoppedReplicas } from './stopped';
import { timeoutMs, waitFor } from '../wait';
import { taskContainers } from '../task-containers';
import { startInPlace } from './start-in-place';

/** The deployed services of a project by compose service name, limited to `names` when given. */
export function servicesByName(state: StackState, names: string[]): Map<string, Service> {
  const out = new Map<string, Service>();
  for (const s of [...state.services].sort((a, b) => (composeService(a) < composeService(b) ? -1 : 1))) {
    const n = composeService(s);
    if (names.length === 0 || names.includes(n)) out.set(n, s);
  }
  return out;
}

/** The containers that run now (current tasks not yet ended), by service. */
export function liveTasks(state: StackState, s: Service): Task[] {
  return currentTasks(state)
    .filter((t) => t.ServiceID === s.ID && t.DesiredState === 'running' && ['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running'].includes(t.Status.State))
    .sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0));
}

/**
 * Containers of `s` that ended and stay ended: current tasks still wanted
 * running whose container exited (killed, crashed, done) and that the restart
 * policy does not replace (task-view's ranToEnd). `start`, `restart` and `up` bring these back.
 */
export function endedTasks(state: StackState, s: Service): Task[] {
  return currentTasks(state).filter((t) => t.ServiceID === s.ID && t.DesiredState === 'running' && ranToEnd(t, s));
}

export function isStopped(s: Service): boolean {
  return stoppedReplicas(s) !== undefined && runningReplicas(s) === 0;
}

/** Rewrites one service's spec through the manager's Docker API, at the version just read. */
export async function rewrite(client: ApiClient, s: Service, f: (spec: ServiceSpec) => ServiceSpec): Promise<void> {
  const api = new DockerApi(client.baseUrl);
  const cur = await api.service(s.ID);
  await api.updateService(cur.ID, cur.Version.Index, f(cur.Spec));
}

/**
 * `up` on services it leaves unchanged: those whose containers ended (killed, exited, and no
 * restart policy brings them back) start again, as 1.29's `up` starts a stopped container.
 * Returns the names (swarm service names) it started.
 */
export async function startEnded(client: ApiClient, before: StackState, unchanged: readonly string[]): Promise<Set<string>> {
  const names = new Set(unchanged);
  const out = new Set<string>();
  const ended: string[] = [];
  for (const s of before.services) {
    if (!names.has(s.Spec.Name) || isStopped(s)) continue;
    const tasks = endedTasks(before, s);
    if (!tasks.length) continue;
    // Only the ended slots start again; the service's running containers are left be, as in 1.29.
    ended.push(...tasks.map((t) => t.ID));
    out.add(s.Spec.Name);
  }
  if (ended.length) await startEndedTasks(client, before, ended);
  return out;
}

/**
 * Brings these ended tasks back: each container started again in place where it can be (same ID, as
 * 1.29), a new task in the slot of the others (container gone, task retired).
 */
export async function startEndedTasks(client: ApiClient, state: StackState, tasks: string[]): Promise<void> {
  const ids = new Set(tasks);
  const containers = taskContainers(state, state.name).filter((c) => ids.has(c.taskId));
  const withContainer = new Set(containers.map((c) => c.taskId));
  const rest = [...(await startInPlace(client, state.name, containers)), ...tasks.filter((id) => !withContainer.has(id))];
  if (rest.length) await restartEndedSlots(client, state.name, rest);
}

/**
 * Starts again the slots of these ended tasks only (the manager retires them; the orchestrator gives
 * each slot a new task), and returns once every slot has its new task: until then the retired one
 * still stands for its slot and would count as converged (an ended restart: no task does).
 */
export async function restartEndedSlots(client: ApiClient, project: string, tasks: string[]): Promise<void> {
  const { restarted } = await client.restartEnded(project, tasks);
  const retired = new Set(restarted);
  await waitFor(client, project, (st) => ({ done: !currentTasks(st).some((t) => retired.has(t.ID)) }), timeoutMs(), `project ${project}'s ended containers to be replaced`);
}
