import { onNodes, type Filter } from './filter';

/** Reservations fit in what the node has minus what its tasks reserve. */
export const resourceFilter: Filter = {
  name: 'resources',
  dynamic: true,
  enabled: (j) => !!(j.reservations?.NanoCPUs || j.reservations?.MemoryBytes),
  check: (n, j) => {
    const r = j.reservations ?? {};
    const res = n.node.Description.Resources ?? { NanoCPUs: 0, MemoryBytes: 0 };
    if ((r.NanoCPUs ?? 0) > res.NanoCPUs - n.cpu) return false;
    return (r.MemoryBytes ?? 0) <= res.MemoryBytes - n.mem;
  },
  explain: (n) => onNodes('insufficient resources', n),
};
