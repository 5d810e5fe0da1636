import type { Service } from '@flotilla/contracts';
import type { StackState } from '../../client/api-client';
import type { TaskContainer } from '../task-containers';

/**
 * The stop timeout of a restart, as 1.29 gives it to the engine: `-t` when given, else the service's
 * stop_grace_period (whole seconds: the engine takes no fraction), else 10.
 */
export function restartTimeout(t: number | undefined, s: Service | undefined): number {
  if (t !== undefined) return t;
  const ns = s?.Spec.TaskTemplate.ContainerSpec.StopGracePeriod;
  return ns !== undefined && ns >= 0 ? Math.ceil(ns / 1e9) : 10;
}

/**
 * Whether the manager shows the task of a container restarted in place as running again, with that
 * container (`starting` while a healthcheck has not passed: 1.29 does not wait for health either).
 */
export function runsAgain(state: StackState, c: TaskContainer): boolean {
  const t = state.tasks.find((x) => x.ID === c.taskId);
  if (!t || t.Status.ContainerStatus?.ContainerID !== c.containerId) return false;
  return t.Status.State === 'running' || t.Status.State === 'starting';
}
