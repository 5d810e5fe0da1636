import yaml from 'js-yaml';
import { PositionRecorder, type PositionIndex } from './positions';
import type { Problems } from './errors';

/** A compose document as parsed: plain JSON-like data plus where each key sits in the text. */
export interface YamlDoc {
  file: string;
  data: unknown;
  /** Built on first use (only when a problem needs a line and column): the happy path parses once, without it. */
  readonly pos: PositionIndex;
}

/**
 * Upper bound on the size of a document once aliases are expanded. Real files
 * are far below (1,000 services is ~50k nodes); a billion-laughs file is far above,
 * and is refused by counting shared nodes once each, without expanding anything.
 */
export const MAX_EXPANDED_NODES = 2_000_000;

const types = (yaml as unknown as { types: Record<'null' | 'bool' | 'int' | 'float' | 'merge', yaml.Type> }).types;
const LEGACY_OCTAL = /^[-+]?0[0-7_]+$/;

/**
 * YAML 1.2's integers, except that a leading zero means octal, as in YAML 1.1
 * (docker-compose 1.29's PyYAML) and Compose v2's yaml.v3: `mode: 0400` is
 * 256 (r--------) for both; read as decimal 400 it would be 0620.
 */
const INT = new yaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string) => LEGACY_OCTAL.test(data) || types.int.resolve(data),
  construct: (data: string) => {
    if (!LEGACY_OCTAL.test(data)) return types.int.construct(data);
    const digits = data.replace(/_/g, '');
    const sign = digits.startsWith('-') ? -1 : 1;
    return sign * parseInt(digits.replace(/^[-+]/, ''), 8);
  },
  predicate: types.int.predicate ?? undefined,
  represent: types.int.represent ?? undefined,
  defaultStyle: types.int.defaultStyle ?? undefined,
});

/**
 * YAML 1.2 core types (integers as above) plus merge keys; no timestamps or binary. No local tags:
 * docker-compose 1.29 knows none (Compose v2's `!reset`/`!override` are its errors too).
 */
export const SCHEMA = yaml.FAILSAFE_SCHEMA.extend({ implicit: [types.null, types.bool, INT, types.float, types.merge] });

/** Could the text hold a key that is not a string (a number, boolean or null)? Cheap test before the slow, exact one. */
const MAYBE_NON_STRING_KEY = /(^|[\s{,?])([-+]?[\d.][\w.+-]*|true|false|True|False|TRUE|FALSE|null|Null|NULL|~|[-+]?\.(inf|Inf|INF|nan|NaN|NAN))[ \t]*:([ \t]|$)/m;
/** Could the text hold an alias? */
const MAYBE_ALIAS = /(^|[\s[{,:])\*[^\s,\]}]/m;

function load(text: string, file: string, listener?: PositionRecorder['listener']): unknown {
  return yaml.load(text, { filename: file, schema: SCHEMA, ...(listener ? { listener } : {}) });
}

/**
 * Parses YAML as Docker accepts it: anchors, aliases and merge keys (`<<`) work;
 * duplicate keys, non-string keys and alias bombs are problems.
 */
export function parseYaml(text: string, file: string, problems: Problems): YamlDoc | undefined {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let rec: PositionRecorder | undefined;
  let index: PositionIndex | undefined;
  const positions = (): PositionIndex => {
    if (!index) {
      if (!rec) {
        rec = new PositionRecorder(text);
        try {
          load(text, file, rec.listener);
        } catch {
          /* the first parse already reported it */
        }
      }
      index = rec.index();
    }
    return index;
  };
  let data: unknown;
  const exactKeys = MAYBE_NON_STRING_KEY.test(text);
  try {
    if (exactKeys) {
      rec = new PositionRecorder(text);
      data = load(text, file, rec.listener);
    } else data = load(text, file);
  } catch (e) {
    const ye = e as { mark?: { line: number; column: number; position: number }; reason?: string; message: string };
    const tag = /^unknown tag !<(.+)>$/.exec(ye.reason ?? '')?.[1];
    if (tag && ye.mark) {
      // js-yaml marks where the node ended; 1.29 (PyYAML) names the tag itself.
      const at = text.lastIndexOf(tag, ye.mark.position);
      const before = text.slice(0, at < 0 ? ye.mark.position : at).split('\n');
      problems.add(file, { line: before.length, column: before[before.length - 1].length + 1 }, `could not determine a constructor for the tag '${tag}'`);
      return undefined;
    }
    const pos = ye.mark ? { line: ye.mark.line + 1, column: ye.mark.column + 1 } : undefined;
    problems.add(file, pos, ye.reason ?? ye.message);
    return undefined;
  }
  let bad = false;
  for (const k of rec?.nonStringKeys ?? []) {
    // Numbers, booleans and null as keys: Docker wants strings (quote them).
    problems.add(file, positions().offsetToPosition(k.at), `non-string key ${JSON.stringify(k.key) ?? String(k.key)}: keys must be strings (quote it, e.g. '${String(k.key)}')`);
    bad = true;
  }
  if (MAYBE_ALIAS.test(text) && expandedSize(data, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES) {
    problems.add(file, undefined, `document is too large once its aliases are expanded (more than ${MAX_EXPANDED_NODES} nodes): refusing a possible alias bomb`);
    return undefined;
  }
  if (bad) return undefined;
  return {
    file,
    data: data ?? null,
    get pos() {
      return positions();
    },
  };
}

/**
 * Number of nodes the document would have with every alias expanded, computed
 * over the shared graph (each distinct object once, memoised), so it is fast
 * even when the answer is astronomically large. Stops counting past `limit`.
 */
export function expandedSize(root: unknown, limit: number): number {
  const memo = new Map<object, number>();
  const active = new Set<object>();
  const size = (v: unknown): number => {
    if (v === null || typeof v !== 'object') return 1;
    const known = memo.get(v);
    if (known !== undefined) return known;
    // A recursive alias cannot be expanded at all.
    if (active.has(v)) return Infinity;
    active.add(v);
    let n = 1;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) {
      n += size(c);
      if (n > limit) break;
    }
    active.delete(v);
    memo.set(v, n);
    return n;
  };
  return size(root);
}
