import { FlotillaError } from '@flotilla/contracts';

/** Docker's `filters` query: {"key":{"value":true}} (or the older {"key":["value"]}). */
export type Filters = Map<string, string[]>;

export function parseFilters(raw: string | undefined, allowed: readonly string[]): Filters {
  const out: Filters = new Map();
  if (!raw) return out;
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch {
    throw new FlotillaError('invalid_argument', 'invalid filter: filters must be JSON');
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new FlotillaError('invalid_argument', 'invalid filter: filters must be an object');
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    if (!allowed.includes(k)) throw new FlotillaError('invalid_argument', `Invalid filter '${k}'`);
    const values = Array.isArray(v) ? v.map(String) : typeof v === 'object' && v !== null ? Object.keys(v) : [];
    out.set(k, values);
  }
  return out;
}

/** A label filter value is `key` or `key=value`; every one given must match. */
export function labelsMatch(labels: Record<string, string> | undefined, wanted: string[] | undefined): boolean {
  if (!wanted?.length) return true;
  return wanted.every((w) => {
    const i = w.indexOf('=');
    if (i < 0) return labels !== undefined && w in labels;
    return labels?.[w.slice(0, i)] === w.slice(i + 1);
  });
}

/** Matches when no value is given, or any given value matches. */
export function anyOf(values: string[] | undefined, pred: (v: string) => boolean): boolean {
  return !values?.length || values.some(pred);
}
