import { isTerminal, type Task } from '@flotilla/contracts';
import type { ChangeEvent } from '@flotilla/state';

/**
 * Whether a committed change can alter what the orchestrator or scheduler
 * would plan. A task moving through accepted / preparing / starting cannot
 * (nothing waits on those), and at 100k tasks those reports are most of the
 * writes; running (rolling updates wait on it) and every end state can.
 * An empty change list is a state replaced wholesale (a snapshot): relevant.
 */
export function affectsPlans(e: ChangeEvent): boolean {
  if (e.changes.length === 0) return true;
  for (const c of e.changes) {
    if (c.kind !== 'task') return true;
    const b = c.before as Task | undefined;
    const a = c.after as Task | undefined;
    if (!b || !a) return true;
    if (a.DesiredState !== b.DesiredState || a.NodeID !== b.NodeID) return true;
    const s = a.Status.State;
    if (s !== b.Status.State && (s === 'running' || isTerminal(s) || s === 'new' || s === 'pending')) return true;
  }
  return false;
}
