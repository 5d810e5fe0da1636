import { createHash } from 'node:crypto';
import type { ServiceSpec } from '@flotilla/contracts';

/**
 * `config --hash`: a digest of the service as flotilla deploys it (its swarm
 * ServiceSpec, keys sorted), so it changes exactly when `up` would recreate.
 * 1.29 hashes its own container options instead: the values differ.
 */
export function specHash(spec: ServiceSpec): string {
  return createHash('sha256').update(canonical(spec)).digest('hex');
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/** Which services `--hash` names: `*` for all, else a comma-separated list. */
export function hashTargets(arg: string, all: string[]): { names: string[]; unknown?: string } {
  if (arg === '*') return { names: all };
  const names = arg.split(',');
  return { names, unknown: names.find((n) => !all.includes(n)) };
}
