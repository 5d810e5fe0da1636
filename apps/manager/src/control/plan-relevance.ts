import { isTerminal, type Task } from '@flotilla/contracts';
import type { ChangeEvent } from '@flotilla/state';

/**
 * Whether a committed change can alter what the orchestrator or scheduler
 * would plan. A task moving through accepted / preparing / starting cannot
 * (nothing waits on those), and at 100k tasks those reports are most of the
 * writes. Running matters only to a rolling update (the next batch waits on
 * it: `inUpdate`, which stays true after the update, costing only passes);
 * starting and running matter to the services that depend on this one
 * (compose's depends_on: `dependedOn`). Every end state matters.
 * An empty change list is a state replaced wholesale (a snapshot): relevant.
 */
export function affectsPlans(
  e: ChangeEvent,
  inUpdate: (serviceId: string) => boolean = () => true,
  dependedOn: (serviceId: string) => boolean = () => false,
): boolean {
  if (e.changes.length === 0) return true;
  for (const c of e.changes) {
    if (c.kind !== 'task') return true;
    const b = c.before as Task | undefined;
    const a = c.after as Task | undefined;
    if (!b || !a) return true;
    if (a.DesiredState !== b.DesiredState || a.NodeID !== b.NodeID) return true;
    const s = a.Status.State;
    if (s === b.Status.State) continue;
    if (isTerminal(s) || s === 'new' || s === 'pending') return true;
    if (s === 'running' && (inUpdate(a.ServiceID) || dependedOn(a.ServiceID))) return true;
    if (s === 'starting' && dependedOn(a.ServiceID)) return true;
  }
  return false;
}

/**
 * Whether a change may open (or fail) a depends_on gate: a task of a service others wait on
 * reaching starting, running or an end state. Planned at once, as a user's change is, so a
 * dependent starts as soon as its dependency is healthy (docker-compose polls; the pause that lets
 * task reports gather would be pure delay here). Services nobody depends on never hurry the loop.
 */
export function opensDependencyGate(e: ChangeEvent, dependedOn: (serviceId: string) => boolean): boolean {
  for (const c of e.changes) {
    if (c.kind !== 'task') continue;
    const b = c.before as Task | undefined;
    const a = c.after as Task | undefined;
    if (!a || !b || a.Status.State === b.Status.State) continue;
    const s = a.Status.State;
    if ((s === 'starting' || s === 'running' || isTerminal(s)) && dependedOn(a.ServiceID)) return true;
  }
  return false;
}
