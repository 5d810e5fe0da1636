import type { Task } from '@flotilla/contracts';
import { endedWhileWanted } from './task-order';

/**
 * The tasks to retire so that only their slots start again (compose `start`/`up` on a service whose
 * containers partly ended): of the asked tasks, those of `serviceIds` that ended while still wanted,
 * each with DesiredState `shutdown`. The reconciler then sees a slot whose last task was stopped on
 * purpose and starts a fresh one there, whatever the restart policy; running slots are not touched
 * (a ForceUpdate would replace them all).
 */
export function retireEndedTasks(tasks: Iterable<Task>, asked: ReadonlySet<string>, serviceIds: ReadonlySet<string>, at: string): Task[] {
  const out: Task[] = [];
  for (const t of tasks) {
    if (!asked.has(t.ID) || !serviceIds.has(t.ServiceID) || !endedWhileWanted(t)) continue;
    out.push({ ...t, DesiredState: 'shutdown', UpdatedAt: at });
  }
  return out;
}
