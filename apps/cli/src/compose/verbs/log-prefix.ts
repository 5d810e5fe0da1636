/**
 * 1.29's log prefix width: the longest service name of the project plus 3
 * (room for `_N`), whatever containers are shown, so prefixes line up across calls.
 */
export function logPrefixWidth(serviceNames: string[], names: string[]): number {
  return Math.max(0, ...serviceNames.map((n) => n.length + 3), ...names.map((n) => n.length));
}

/** `logs --tail`: `all` or a number (1.29: "tail flag must be all or a number"). */
export function validTail(tail: string): boolean {
  return tail === 'all' || /^\d+$/.test(tail);
}
