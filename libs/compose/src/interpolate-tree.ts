import { converterFor, ConversionError } from './convert';
import { interpolate, InterpolationError, MissingVariableError, type Env } from './interpolate';
import type { Path } from './positions';

const SINGULAR: Record<string, string> = { services: 'service', networks: 'network', volumes: 'volume', secrets: 'secret', configs: 'config' };

export interface TreeReport {
  (path: Path, message: string): void;
}

/**
 * Interpolates every string of the compose sections (services, networks,
 * volumes, secrets, configs) and converts typed fields; problems are reported
 * with their path, in docker-compose's wording.
 */
export function interpolateDocument(
  data: Record<string, unknown>,
  v1: boolean,
  env: Env,
  onUnset: (name: string) => void,
  report: TreeReport,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  const sections = v1 ? [['', data] as const] : (['services', 'networks', 'volumes', 'secrets', 'configs'] as const).map((s) => [s, data[s]] as const);
  for (const [section, body] of sections) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
    const sec = section || 'services';
    const copy: Record<string, unknown> = {};
    for (const [name, entry] of Object.entries(body as Record<string, unknown>)) {
      if (name.startsWith('x-')) {
        copy[name] = entry;
        continue;
      }
      const base: (string | number)[] = section ? [section, name] : [name];
      copy[name] = walk(entry, base, [], (s, at, keys) => {
        try {
          const v = s.indexOf('$') < 0 ? s : interpolate(s, env, onUnset, { plain: v1 });
          const conv = converterFor(sec, keys);
          return conv ? conv(v) : v;
        } catch (e) {
          const path = [...at];
          const option = keys[0] ?? name;
          if (e instanceof InterpolationError) {
            report(path, `Invalid interpolation format for "${option}" option in ${SINGULAR[sec]} "${name}": "${s}"`);
          } else if (e instanceof MissingVariableError) {
            report(path, `Missing mandatory value for "${option}" option interpolating ${s} in ${SINGULAR[sec]} "${name}": ${e.detail}`);
          } else if (e instanceof ConversionError) {
            report(path, `Error while attempting to convert ${SINGULAR[sec]}.${name}.${keys.join('.')} to appropriate type: ${e.message}`);
          } else throw e;
          return s;
        }
      });
    }
    if (section) out[section] = copy;
    else return copy;
  }
  return out;
}

/**
 * `v` with `f` applied to each string, copying only what changes (most of a
 * document has no `$` and no typed field, and is returned as is); `path` (from
 * the document root) and `keys` (within the entry, no indexes) are shared stacks.
 */
function walk(v: unknown, path: (string | number)[], keys: string[], f: (s: string, path: Path, keys: string[]) => unknown): unknown {
  if (typeof v === 'string') return f(v, path, keys);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      const x = walk(v[i], path, keys, f);
      path.pop();
      if (x !== v[i]) {
        out ??= v.slice();
        out[i] = x;
      }
    }
    return out ?? v;
  }
  if (v && typeof v === 'object') {
    let out: Record<string, unknown> | undefined;
    const src = v as Record<string, unknown>;
    for (const k in src) {
      path.push(k);
      keys.push(k);
      const x = walk(src[k], path, keys, f);
      keys.pop();
      path.pop();
      if (x !== src[k]) {
        out ??= { ...src };
        out[k] = x;
      }
    }
    return out ?? v;
  }
  return v;
}
