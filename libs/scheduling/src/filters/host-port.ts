import { onNodes, type Filter } from './filter';

/** A host-mode published port can be bound once per node. */
export const hostPortFilter: Filter = {
  name: 'host-port',
  dynamic: true,
  enabled: (j) => j.hostPorts.length > 0,
  check: (n, j) => {
    const used = n.ports;
    return !used || !j.hostPorts.some((p) => used.has(p));
  },
  explain: (n) => onNodes('host-mode port already in use', n),
};
