import { constraintFilter } from './constraint';
import type { Filter } from './filter';
import { hostPortFilter } from './host-port';
import { maxReplicasFilter } from './max-replicas';
import { platformFilter } from './platform';
import { availabilityFilter, readyFilter } from './ready';
import { resourceFilter } from './resources';

export type { Filter, FilterJob } from './filter';

/** swarmkit's order: readiness first, then the rest; a node is charged to the first filter it fails. */
export const DEFAULT_FILTERS: readonly Filter[] = [
  readyFilter,
  availabilityFilter,
  resourceFilter,
  constraintFilter,
  platformFilter,
  hostPortFilter,
  maxReplicasFilter,
];
