import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Problems } from './errors';
import { interpolateDocument } from './interpolate-tree';
import { interpolate, type Env } from './interpolate';
import { parseYaml, type YamlDoc } from './load-yaml';
import type { Path, Position } from './positions';
import { SPEC_SCHEMA, V1_SCHEMA } from './schema';
import { validate } from './validate';
import { detectFormat, type Format } from './version';
import type { Raw } from './merge';

/** One compose file read, interpolated and validated against its version's schema. */
export interface ComposeFile {
  file: string;
  dir: string;
  format: Format;
  /** The interpolated document. */
  data: Raw;
  /** Its services (the top level for v1). */
  services: Raw;
  doc: YamlDoc;
}

/** Where `path` (in Compose Specification terms: services.NAME...) is in this file, if it is there. */
export function locateIn(f: ComposeFile, path: Path): Position | undefined {
  return locateDepthIn(f, path)?.pos;
}

/** Like locateIn, also saying how much of `path` (in Compose Specification terms) the file has. */
export function locateDepthIn(f: ComposeFile, path: Path): { pos: Position; depth: number } | undefined {
  const v1 = f.format.kind === 'v1' && path[0] === 'services';
  const r = f.doc.pos.locateDepth(v1 ? path.slice(1) : path);
  return r && v1 ? { pos: r.pos, depth: r.depth + 1 } : r;
}

/**
 * Reads one file; every problem goes to `problems` (all of them, with line
 * and column); returns undefined when the file cannot be used.
 */
export function readComposeFile(file: string, env: Env, onUnset: (n: string) => void, problems: Problems, interpolateValues = true): ComposeFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.add(file, undefined, code === 'ENOENT' ? 'no such file or directory' : (e as Error).message);
    return undefined;
  }
  const doc = parseYaml(text, file, problems);
  if (!doc) return undefined;
  const data = doc.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const kind = data === null ? 'nothing (an empty file)' : Array.isArray(data) ? 'a list' : `a ${typeof data}`;
    problems.add(file, { line: 1, column: 1 }, `Top level object in '${file}' needs to be an object, not ${kind}.`);
    return undefined;
  }
  const v = detectFormat(data as Raw, file);
  if (!v.ok) {
    problems.add(file, doc.pos.locate(['version']), v.message);
    return undefined;
  }
  const format = v.format;
  const v1 = format.kind === 'v1';
  const report = (path: Path, message: string) => problems.add(file, doc.pos.locate(path), message);
  const before = problems.size;
  // --no-interpolate: values as written (1.29 then converts no types either).
  const interpolated = interpolateValues ? interpolateDocument(data as Raw, v1, env, onUnset, report) : (data as Raw);
  if (interpolateValues && !v1 && typeof interpolated.name === 'string') {
    try {
      interpolated.name = interpolate(interpolated.name, env, onUnset);
    } catch (e) {
      report(['name'], `Invalid interpolation format for "name": ${(e as Error).message}`);
    }
  }
  // A value that failed to interpolate or convert is not validated again.
  if (problems.size > before) return undefined;
  validate(interpolated, v1 ? V1_SCHEMA : SPEC_SCHEMA, [], report, { serviceDepth: v1 ? 1 : 2, v1 });
  if (problems.size > before) return undefined;
  const services = (v1 ? interpolated : (interpolated.services ?? {})) as Raw;
  return { file, dir: dirname(file), format, data: interpolated, services, doc };
}
