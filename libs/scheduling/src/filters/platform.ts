import { onNodes, type Filter } from './filter';

/** Placement.Platforms: the image's OS/architecture must be the node's. */
export const platformFilter: Filter = {
  name: 'platform',
  dynamic: false,
  enabled: (j) => (j.spec.Placement?.Platforms?.length ?? 0) > 0,
  check: (n, j) => j.placement.platformMatches(n.node),
  explain: (n) => onNodes('unsupported platform', n),
};
