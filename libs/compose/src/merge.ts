import type { Raw } from './normalize';

/** Keys whose lists add up across files instead of being replaced (docker-compose's merge rules, simplified). */
const APPEND = new Set(['ports', 'expose', 'external_links', 'dns', 'dns_search', 'cap_add', 'cap_drop', 'extra_hosts']);
const MAPPING = new Set(['environment', 'labels', 'deploy', 'build', 'healthcheck', 'logging', 'sysctls', 'ulimits', 'networks', 'depends_on']);

/** Merges an override service definition onto a base one. */
export function mergeService(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    if (b === undefined) out[k] = v;
    else if (APPEND.has(k) && Array.isArray(b) && Array.isArray(v)) out[k] = [...new Set([...b, ...v].map((x) => JSON.stringify(x)))].map((x) => JSON.parse(x));
    else if (k === 'volumes' && Array.isArray(b) && Array.isArray(v)) out[k] = mergeVolumes(b, v);
    else if (MAPPING.has(k)) out[k] = mergeMapping(asMap(b), asMap(v));
    else out[k] = v;
  }
  return out;
}

function asMap(v: unknown): Raw {
  if (Array.isArray(v)) {
    const o: Raw = {};
    for (const item of v) {
      const s = String(item);
      const eq = s.indexOf('=');
      if (eq >= 0) o[s.slice(0, eq)] = s.slice(eq + 1);
      else o[s] = null;
    }
    return o;
  }
  return (v ?? {}) as Raw;
}

function mergeMapping(a: Raw, b: Raw): Raw {
  const out: Raw = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const x = a[k];
    out[k] = x && v && typeof x === 'object' && typeof v === 'object' && !Array.isArray(x) && !Array.isArray(v) ? mergeMapping(x as Raw, v as Raw) : v;
  }
  return out;
}

function target(v: unknown): string {
  if (typeof v === 'string') {
    const parts = v.split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  return String((v as Raw)?.target);
}

/** Volumes merge by container path: an override of the same target replaces it. */
function mergeVolumes(a: unknown[], b: unknown[]): unknown[] {
  const byTarget = new Map<string, unknown>();
  for (const v of [...a, ...b]) byTarget.set(target(v), v);
  return [...byTarget.values()];
}
