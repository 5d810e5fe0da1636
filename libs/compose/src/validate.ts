import type { Path } from './positions';
import type { Alt, JsonType, Schema } from './schema';

export type Report = (path: Path, message: string) => void;

function jsonType(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

const ARTICLE: Record<JsonType, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  null: 'a null',
  array: 'an array',
  object: 'an object',
};

/** docker-compose's way of listing types: "a string, number, or a null". */
export function describeTypes(types: JsonType[]): string {
  const u = [...new Set(types)];
  if (u.length === 1) return ARTICLE[u[0]];
  return [ARTICLE[u[0]], ...u.slice(1, -1), `or ${ARTICLE[u[u.length - 1]]}`].join(', ');
}

function pick(schema: Schema, v: unknown): Alt | undefined {
  const t = jsonType(v);
  return schema.alts.find((a) => a.type === t || (a.type === 'number' && t === 'integer'));
}

const dotted = (path: Path) => path.filter((p) => typeof p === 'string').join('.');

/**
 * Checks `v` against `schema`, reporting every problem (not only the first)
 * in docker-compose 1.29's words. `servicePrefix` names the service level, whose
 * unknown keys are worded "Unsupported config option for <prefix>: 'key'".
 */
export function validate(v: unknown, schema: Schema, path: Path, report: Report, opts: { serviceDepth: number; v1: boolean }): void {
  // One path array, pushed and popped as the walk goes (no allocation per node); copied when reported.
  check(v, schema, [...path], (p, m) => report([...p], m), opts);
}

function check(v: unknown, schema: Schema, path: (string | number)[], report: (path: (string | number)[], message: string) => void, opts: { serviceDepth: number; v1: boolean }): void {
  if (!schema.alts.length) return;
  const a = pick(schema, v);
  if (!a) {
    const types = schema.alts.map((x) => x.type);
    const inArray = typeof path[path.length - 1] === 'number';
    if (inArray) {
      const parent = path.slice(0, -1);
      report(path, `${dotted(parent)} contains ${JSON.stringify(v)}, which is an invalid type, it should be ${describeTypes(types)}`);
    } else report(path, `${dotted(path)} contains an invalid type, it should be ${describeTypes(types)}`);
    return;
  }
  if (a.enum && !a.enum.includes(v as string)) {
    report(path, `${dotted(path)} contains ${JSON.stringify(v)}, which is an invalid value, it should be one of: ${a.enum.join(', ')}`);
    return;
  }
  if (a.type === 'array' && Array.isArray(v)) {
    if (a.items) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        check(v[i], a.items, path, report, opts);
        path.pop();
      }
    }
    if (a.unique) {
      const seen = new Set<string>();
      const dups: string[] = [];
      for (const x of v) {
        const k = JSON.stringify(x);
        if (seen.has(k)) dups.push(typeof x === 'string' ? x : k);
        seen.add(k);
      }
      if (dups.length) report(path, `${dotted(path)} contains non-unique items, please remove duplicates from ${JSON.stringify(v)}`);
    }
    return;
  }
  if (a.type !== 'object' || !v || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  for (const r of a.required ?? []) {
    if (!(r in o)) report(path, `${dotted(path)} is missing required property '${r}'`);
  }
  const depth = path.length;
  for (const k in o) {
    const x = o[k];
    const known = a.props?.[k];
    if (known) {
      path.push(k);
      check(x, known, path, report, opts);
      path.pop();
      continue;
    }
    if (k.startsWith('x-') && (a.extra === 'x' || a.extra === undefined)) continue;
    if (a.extra && a.extra !== 'x' && (!a.keyPattern || a.keyPattern.test(k))) {
      path.push(k);
      check(x, a.extra, path, report, opts);
      path.pop();
      continue;
    }
    const p = [...path, k];
    if (!a.props && a.extra === undefined) continue;
    if (depth === 0) report(p, `'${k}' does not match any of the regexes: '^x-'`);
    else if (depth === opts.serviceDepth) report(p, `Unsupported config option for ${dotted(path)}: '${k}'`);
    else if (a.keyPattern && a.extra && a.extra !== 'x') report(p, `${dotted(path)} contains an invalid key '${k}': it should match ${a.keyPattern.source}`);
    else report(p, `${dotted(path)} contains unsupported option: '${k}'`);
  }
}
