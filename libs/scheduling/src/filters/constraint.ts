import { onNodes, type Filter } from './filter';

/** Placement constraints (`node.labels.zone==a`, `node.role!=manager`...). */
export const constraintFilter: Filter = {
  name: 'constraint',
  dynamic: false,
  enabled: (j) => (j.spec.Placement?.Constraints?.length ?? 0) > 0,
  check: (n, j) => j.placement.constraintsMatch(n.node),
  explain: (n) => onNodes('scheduling constraints not satisfied', n),
};
