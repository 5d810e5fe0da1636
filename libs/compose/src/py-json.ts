/**
 * Python's `json.dumps(obj, sort_keys=True, separators=(',', ':'))` (ensure_ascii on), as docker-compose
 * 1.29's json_hash writes a service's config_dict before hashing it: the bytes must be Python's, not
 * JSON.stringify's (non-ASCII and DEL escaped, floats as Python's repr, keys sorted).
 */
import { createHash } from 'node:crypto';
import { PyFloat, pyFloat, type PyValue } from './pyyaml-dump';

/** Python's float repr (json uses it): like PyYAML's, but a one-digit mantissa has no `.0` (1e-05). */
function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pyFloat(x).replace(/^(-?\d)\.0e/, '$1e');
}

/** A string as json.dumps with ensure_ascii writes it: everything outside ' '..'~' escaped, by UTF-16 unit. */
function str(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Code point order, as Python sorts str keys (JS's default sort compares UTF-16 units).
const byCodePoint = (a: string, b: string) => {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};

export function pyJsonDumps(v: PyValue): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatRepr(v);
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(',')}]`;
  // A key holding undefined is a key Python's dict never had.
  const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort(byCodePoint);
  return `{${keys.map((k) => `${str(k)}:${pyJsonDumps(v[k])}`).join(',')}}`;
}

/** 1.29's json_hash: sha256 of that dump's UTF-8 bytes, hex. */
export function jsonHash129(v: PyValue): string {
  return createHash('sha256').update(pyJsonDumps(v), 'utf8').digest('hex');
}
