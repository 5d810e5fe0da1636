import type { AssignmentSet, TaskReport } from '@flotilla/contracts';
import { isMeshPort } from '@flotilla/networking';

/** The tasks of an assignment set whose service publishes a port through this node's ingress. */
export function publishingTasks(set: Pick<AssignmentSet, 'tasks' | 'endpoints'>): Set<string> {
  const services = new Set(set.endpoints.filter((ep) => ep.ports.some(isMeshPort)).map((ep) => ep.serviceId));
  const out = new Set<string>();
  if (services.size === 0) return out;
  for (const t of set.tasks) if (services.has(t.ServiceID)) out.add(t.ID);
  return out;
}

/**
 * A running report of such a task says where its ports answer on this node (`addresses`: the ingress's
 * binds), so `compose ps` prints those bindings as 1.29 prints the engine's; other reports go as they are.
 */
export function withPublished(r: TaskReport, publishing: ReadonlySet<string>, addresses: string[]): TaskReport {
  return r.state === 'running' && publishing.has(r.taskId) ? { ...r, published: addresses } : r;
}
