/**
 * Which compose format a file is written in, decided as docker-compose 1.29
 * decides it: a `version:` of 2.x or 3.x, none with `services`/`networks`/
 * `volumes` (the Compose Specification), or none at all (v1: services at the top).
 */
export type FormatKind = 'v1' | 'v2' | 'v3' | 'spec';

export interface Format {
  kind: FormatKind;
  /** As written (2.4, 3.8...), or undefined. */
  version?: string;
}

export type VersionResult = { ok: true; format: Format } | { ok: false; message: string };

export function detectFormat(doc: Record<string, unknown>, file: string): VersionResult {
  const v = doc.version;
  if (v === undefined || v === null || v === '') {
    // As 1.29: an empty `services: {}` does not count (such a file is v1).
    const has = (v: unknown) => !!v && (typeof v !== 'object' || Object.keys(v).length > 0);
    if (has(doc.services) || has(doc.networks) || has(doc.volumes) || doc.name !== undefined) {
      return { ok: true, format: { kind: 'spec' } };
    }
    return { ok: true, format: { kind: 'v1' } };
  }
  if (typeof v === 'object' && !Array.isArray(v)) {
    // A service called "version" in a v1 file.
    return { ok: true, format: { kind: 'v1' } };
  }
  if (typeof v !== 'string') return { ok: false, message: `Version in "${file}" is invalid - it should be a string.` };
  if (!/^[1-3]+(\.\d+)?$/.test(v)) return { ok: false, message: `Version "${v}" in "${file}" is invalid.` };
  if (v.startsWith('1')) {
    return {
      ok: false,
      message: `Version in "${file}" is invalid. A version 1 file has no "version:" key: remove it and put the services at the top level, or use version "2" or later with a "services:" key.`,
    };
  }
  return { ok: true, format: { kind: v.startsWith('2') ? 'v2' : 'v3', version: v.includes('.') ? v : `${v}.0` } };
}
