import type { Filter } from './filter';

/** Placement.MaxReplicas: at most that many of the service's tasks per node. */
export const maxReplicasFilter: Filter = {
  name: 'max-replicas',
  dynamic: true,
  enabled: (j) => (j.spec.Placement?.MaxReplicas ?? 0) > 0,
  check: (n, j) => n.servicesOn(j.svc.ID) < (j.spec.Placement?.MaxReplicas ?? 0),
  // Docker's wording, without a count.
  explain: () => 'max replicas per node limit exceed',
};
