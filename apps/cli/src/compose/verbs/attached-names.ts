import type { StackState } from '../../client/api-client';
import { composeService, currentTasks } from '../task-view';
import { containerName } from '../container-name';

/** The containers `logs` attaches to, named as `ps` names them (1.29: "Attaching to a_web_1, a_db_1"). */
export function attachedNames(state: StackState, project: string, services: string[]): string[] {
  const byId = new Map(state.services.map((s) => [s.ID, composeService(s)]));
  return currentTasks(state)
    .filter((t) => byId.has(t.ServiceID) && (services.length === 0 || services.includes(byId.get(t.ServiceID)!)))
    .map((t) => containerName(project, byId.get(t.ServiceID)!, t.Slot || t.NodeID || '', t.Spec.ContainerSpec.ContainerName))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
