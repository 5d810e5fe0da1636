import { isTerminal, type SwarmNode, type Task } from '@flotilla/contracts';
import type { PlanBuilder } from './plan-builder';

/**
 * Tasks of a removed service: a live one is told to go (desired `remove`, the
 * worker removes its container and reports); one that has finished, never
 * reached a node, or sits on a node that is down or gone is simply deleted,
 * since nobody is left to report on it.
 */
export function reconcileOrphans(tasks: Iterable<Task>, nodes: ReadonlyMap<string, SwarmNode>, plan: PlanBuilder): void {
  for (const t of tasks) {
    const node = t.NodeID ? nodes.get(t.NodeID) : undefined;
    if (isTerminal(t.Status.State) || !node || node.Status.State === 'down') plan.delete(t);
    else plan.setDesired(t, 'remove');
  }
}
