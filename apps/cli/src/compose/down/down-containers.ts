import type { StackState } from '../../client/api-client';
import { taskContainers, type TaskContainer } from '../task-containers';
import { composeService } from '../task-view';
import { containerName } from '../container-name';
import { stoppedReplicas } from '../verbs/stopped';

/**
 * What 1.29's `down` names: the running containers it stops, then every container it removes.
 * A stopped flotilla service keeps no container, yet 1.29 would still have (and remove) its
 * exited ones: they are named from the count the service remembers, as `ps` shows them.
 */
export function downContainers(state: StackState, project: string): { running: TaskContainer[]; all: string[] } {
  const running = taskContainers(state, project, { running: true });
  const names = new Set(taskContainers(state, project).map((c) => c.name));
  for (const s of state.services) {
    const n = stoppedReplicas(s) ?? 0;
    for (let i = 1; i <= n; i++) names.add(containerName(project, composeService(s), i, s.Spec.TaskTemplate.ContainerSpec.ContainerName));
  }
  return { running, all: [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) };
}
