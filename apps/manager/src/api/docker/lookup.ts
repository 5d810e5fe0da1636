import { FlotillaError } from '@flotilla/contracts';

/** Docker's object lookup: exact id, then exact name, then a unique id prefix. */
export function lookup<T extends { ID: string }>(
  kind: string,
  ref: string,
  all: Iterable<T>,
  byId: (id: string) => T | undefined,
  nameOf: (o: T) => string | undefined,
): T {
  const exact = byId(ref);
  if (exact) return exact;
  const list = [...all];
  const named = list.filter((o) => nameOf(o) === ref);
  if (named.length === 1) return named[0];
  if (named.length > 1) throw new FlotillaError('conflict', `${kind} ${ref} is ambiguous (${named.length} matches found)`);
  const prefixed = list.filter((o) => o.ID.startsWith(ref));
  if (prefixed.length === 1) return prefixed[0];
  if (prefixed.length > 1) throw new FlotillaError('conflict', `${kind} ${ref} is ambiguous (${prefixed.length} matches found)`);
  throw new FlotillaError('not_found', `${kind} ${ref} not found`);
}
