import type { StackState } from '../client/api-client';
import { CliError } from '../errors';
import { composeService, currentTasks } from './task-view';
import { containerName } from './container-name';

/** A task container as the container verbs see it: where it runs and what 1.29 calls it. */
export interface TaskContainer {
  /** docker-compose 1.29's name: PROJECT_SERVICE_N. */
  name: string;
  service: string;
  /** 1.29's container number: the task's slot (a global service's are numbered by node). */
  number: number;
  nodeId: string;
  containerId: string;
  /** The task the container runs for. */
  taskId: string;
  state: string;
}

/**
 * The current task containers of a project (of `services` when named), sorted
 * by name as 1.29 lists them. `running` keeps those whose container is up, as
 * 1.29's `containers()` (stopped=False) does.
 */
export function taskContainers(state: StackState, project: string, o: { services?: string[]; running?: boolean } = {}): TaskContainer[] {
  const svcById = new Map(state.services.map((s) => [s.ID, s]));
  const out: TaskContainer[] = [];
  const globalNumber = new Map<string, number>();
  const tasks = [...currentTasks(state)].sort((a, b) => (a.NodeID ?? '').localeCompare(b.NodeID ?? ''));
  for (const t of tasks) {
    const s = svcById.get(t.ServiceID);
    const containerId = t.Status.ContainerStatus?.ContainerID;
    if (!s || !containerId || !t.NodeID) continue;
    const service = composeService(s);
    if (o.services?.length && !o.services.includes(service)) continue;
    if (o.running && !(t.Status.State === 'running' || t.Status.State === 'starting')) continue;
    let number = t.Slot ?? 0;
    if (!number) {
      number = (globalNumber.get(service) ?? 0) + 1;
      globalNumber.set(service, number);
    }
    out.push({ name: containerName(project, service, number, t.Spec.ContainerSpec.ContainerName), service, number, nodeId: t.NodeID, containerId, taskId: t.ID, state: t.Status.State });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** `exec --index N`: the running container number N of a service, or 1.29's error. */
export function containerAt(state: StackState, project: string, service: string, index: number): TaskContainer {
  const hit = taskContainers(state, project, { services: [service], running: true }).find((c) => c.number === index);
  if (!hit) throw new CliError(`No container found for ${service}_${index}`);
  return hit;
}
