import type { Filter } from './filter';

/** Docker says the same thing for a node that is not ready and for one that is paused or drained. */
export function notAvailable(nodes: number): string {
  return nodes === 1 ? '1 node not available for new tasks' : `${nodes} nodes not available for new tasks`;
}

/** The node reports in (Status.State ready). */
export const readyFilter: Filter = {
  name: 'ready',
  dynamic: false,
  enabled: () => true,
  check: (n) => n.node.Status.State === 'ready',
  explain: notAvailable,
};

/** The node takes new tasks: `pause` and `drain` do not. */
export const availabilityFilter: Filter = {
  name: 'availability',
  dynamic: false,
  enabled: () => true,
  check: (n) => n.node.Spec.Availability === 'active',
  explain: notAvailable,
};
