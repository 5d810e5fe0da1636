import type { Task, TaskReport } from '@flotilla/contracts';

/**
 * Whether a report brings an ended task back to life: the one step back the task state machine
 * takes. Docker restarts a container in place (compose `restart`, `POST /containers/{id}/restart`
 * through the relay): the same container runs again, so the task it belongs to does too, as
 * docker-compose 1.29 shows it `Up` with its ID unchanged. Only when all of these hold:
 * - the node says so (`restarted`), for the very container the task ended with;
 * - the task ran and ended on its own (`complete`, `failed`): not stopped, rejected, orphaned or removed;
 * - it is still wanted running: the orchestrator has not retired it for a replacement (it sets
 *   DesiredState `shutdown` first), so no other task stands for its slot.
 */
export function revivesInPlace(cur: Task, r: TaskReport): boolean {
  if (r.restarted !== true) return false;
  if (r.state !== 'starting' && r.state !== 'running') return false;
  if (cur.Status.State !== 'complete' && cur.Status.State !== 'failed') return false;
  if (cur.DesiredState !== 'running') return false;
  const id = cur.Status.ContainerStatus?.ContainerID;
  return id !== undefined && id !== '' && r.containerId === id;
}
