/**
 * YAML text as PyYAML's `yaml.safe_dump(doc, default_flow_style=False, indent=2, width=80,
 * allow_unicode=True)` writes it (PyYAML 6), with docker-compose 1.29's string representer on top
 * (`$` doubled, y/n/yes/no/on/off/true/false double-quoted). Byte for byte: mapping keys sorted,
 * sequences under a key not indented, empty collections as `{}`/`[]`, YAML 1.1 quoting (a string
 * that would read back as a number, boolean, null or date is quoted), long scalars folded past
 * column 80 as PyYAML folds them.
 */

/** A float that Python holds as a float even when it is integral (`1.0`), so it prints as one. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyValue = null | undefined | boolean | number | string | PyFloat | PyValue[] | { [k: string]: PyValue };

export interface DumpOptions {
  /** 1.29 doubles every `$` (keys too) unless `--no-interpolate`. */
  escapeDollar: boolean;
}

const WIDTH = 80;
const STEP = 2;
const BREAKS = '\n\x85\u2028\u2029';
const SPACEISH = '\0 \t\r\n\x85\u2028\u2029';
/** Strings 1.29 always double-quotes (its own representer), compared lower-cased. */
const BOOLISH = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false']);

// YAML 1.1 implicit types (PyYAML's resolver): a plain scalar matching one of these is not a string.
const RESOLVERS: { first: string; re: RegExp }[] = [
  { first: 'yYnNtTfFoO', re: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/ },
  {
    first: '-+0123456789.',
    re: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  },
  { first: '-+0123456789', re: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/ },
  { first: '<', re: /^(?:<<)$/ },
  { first: '~nN', re: /^(?:~|null|Null|NULL)$/ },
  {
    first: '0123456789',
    re: /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  },
  { first: '=', re: /^(?:=)$/ },
];

/** Would this text, written plain, read back as a string? (Python's `$` also matches before a final newline.) */
export function readsAsString(text: string): boolean {
  if (text === '') return false; // the empty plain scalar is null
  const probe = text.endsWith('\n') ? text.slice(0, -1) : text;
  return !RESOLVERS.some((r) => r.first.includes(text[0]) && r.re.test(probe));
}

/** Python's repr() of a float, as PyYAML's float representer writes it. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // Shortest round-trip digits, then Python's layout: fixed for 1e-4 <= |x| < 1e16, else d.ddde+XX.
  const [mant, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  let body: string;
  if (exp >= -4 && exp < 16) {
    if (exp >= digits.length - 1) body = digits + '0'.repeat(exp - digits.length + 1) + '.0';
    else if (exp >= 0) body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
    else body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : `${digits}.0`;
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return (neg ? '-' : '') + body;
}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
}

/** Which styles can hold this text (PyYAML's scalar analysis, with allow_unicode). */
export function analyze(text: string): Analysis {
  const cs = Array.from(text);
  if (!cs.length) return { empty: true, multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true };
  let blockInd = false;
  let flowInd = false;
  let lineBreaks = false;
  let special = false;
  let leadingWs = false;
  let trailingWs = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (text.startsWith('---') || text.startsWith('...')) blockInd = flowInd = true;
  let precededByWs = true;
  let prevSpace = false;
  let prevBreak = false;
  for (let i = 0; i < cs.length; i++) {
    const ch = cs[i];
    const followedByWs = i + 1 >= cs.length || SPACEISH.includes(cs[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowInd = blockInd = true;
      if (ch === '?' || ch === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (ch === '-' && followedByWs) flowInd = blockInd = true;
    } else {
      if (',?[]{}'.includes(ch)) flowInd = true;
      if (ch === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (ch === '#' && precededByWs) flowInd = blockInd = true;
    }
    const isBreak = BREAKS.includes(ch);
    if (isBreak) lineBreaks = true;
    const cp = ch.codePointAt(0)!;
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) {
      const printable = (cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp < 0x10ffff)) && cp !== 0xfeff;
      if (!printable) special = true;
    }
    if (ch === ' ') {
      if (i === 0) leadingWs = true;
      if (i === cs.length - 1) trailingWs = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak) {
      if (i === 0) leadingWs = true;
      if (i === cs.length - 1) trailingWs = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = prevBreak = false;
    }
    precededByWs = SPACEISH.includes(ch);
  }
  let flowPlain = true;
  let blockPlain = true;
  let singleQuoted = true;
  if (leadingWs || trailingWs) flowPlain = blockPlain = false;
  if (breakSpace) flowPlain = blockPlain = singleQuoted = false;
  if (spaceBreak || special) flowPlain = blockPlain = singleQuoted = false;
  if (lineBreaks) flowPlain = blockPlain = false;
  if (flowInd) flowPlain = false;
  if (blockInd) blockPlain = false;
  return { empty: false, multiline: lineBreaks, flowPlain, blockPlain, singleQuoted };
}

const ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\x08': 'b', '\x09': 't', '\x0A': 'n', '\x0B': 'v', '\x0C': 'f', '\x0D': 'r',
  '\x1B': 'e', '"': '"', '\\': '\\', '\x85': 'N', '\xA0': '_', '\u2028': 'L', '\u2029': 'P',
};

interface Ctx {
  mapping?: boolean;
  simpleKey?: boolean;
}

/** One dump: the text so far and where the writer stands (column in code points, as Python counts). */
class Writer {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent: number | null = null;
  private readonly indents: (number | null)[] = [];
  flowLevel = 0;

  constructor(private readonly opts: DumpOptions) {}

  private raw(s: string, width = Array.from(s).length) {
    this.out += s;
    this.column += width;
  }

  indicator(ind: string, needWs: boolean, whitespace = false, indention = false) {
    this.raw(this.whitespace || !needWs ? ind : ' ' + ind);
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
  }

  newline(br = '\n') {
    this.out += br;
    this.whitespace = this.indention = true;
    this.column = 0;
  }

  /** To the current indentation, on a new line unless already there. */
  toIndent() {
    const ind = this.indent ?? 0;
    if (!this.indention || this.column > ind || (this.column === ind && !this.whitespace)) this.newline();
    if (this.column < ind) {
      this.whitespace = true;
      this.raw(' '.repeat(ind - this.column));
    }
  }

  push(flow: boolean, indentless = false) {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? STEP : 0;
    else if (!indentless) this.indent += STEP;
  }

  pop() {
    this.indent = this.indents.pop() ?? null;
  }

  node(v: PyValue, ctx: Ctx) {
    if (Array.isArray(v)) {
      if (!v.length) return this.empty('[', ']');
      this.push(false, !!ctx.mapping && !this.indention);
      for (const item of v) {
        this.toIndent();
        this.indicator('-', true, false, true);
        this.node(item, {});
      }
      return this.pop();
    }
    if (v !== null && v !== undefined && typeof v === 'object' && !(v instanceof PyFloat)) {
      const keys = Object.keys(v).sort(byCodePoint);
      if (!keys.length) return this.empty('{', '}');
      this.push(false);
      for (const k of keys) {
        this.toIndent();
        const key = this.str(k);
        const a = analyze(key.text);
        // A simple key is short: PyYAML counts its tag too (`!!str`, 5 characters) against its limit of 128.
        if (Array.from(key.text).length + 5 < 128 && !a.empty && !a.multiline) {
          this.scalar(key, { mapping: true, simpleKey: true }, a);
          this.indicator(':', false);
        } else {
          this.indicator('?', true, false, true);
          this.scalar(key, { mapping: true }, a);
          this.toIndent();
          this.indicator(':', true, false, true);
        }
        this.node(v[k], { mapping: true });
      }
      return this.pop();
    }
    this.scalar(this.represent(v), ctx);
  }

  private empty(open: string, close: string) {
    this.indicator(open, true, true);
    this.push(true);
    this.pop();
    this.indicator(close, false);
  }

  private str(s: string): Scalar {
    const text = this.opts.escapeDollar ? s.replace(/\$/g, '$$$$') : s;
    return { text, plainOk: readsAsString(text), forceDouble: BOOLISH.has(text.toLowerCase()) };
  }

  private represent(v: PyValue): Scalar {
    if (v === null || v === undefined) return { text: 'null', plainOk: true };
    if (typeof v === 'boolean') return { text: v ? 'true' : 'false', plainOk: true };
    if (v instanceof PyFloat) return { text: pyFloat(v.value), plainOk: true };
    if (typeof v === 'number') return { text: Number.isInteger(v) ? BigInt(v).toString() : pyFloat(v), plainOk: true };
    return this.str(v as string);
  }

  private scalar(s: Scalar, ctx: Ctx, a = analyze(s.text)) {
    this.push(true);
    const split = !ctx.simpleKey;
    const plainAllowed = this.flowLevel ? a.flowPlain : a.blockPlain;
    if (!s.forceDouble && s.plainOk && !(ctx.simpleKey && (a.empty || a.multiline)) && plainAllowed) this.plain(s.text, split);
    else if (!s.forceDouble && a.singleQuoted && !(ctx.simpleKey && a.multiline)) this.singleQuoted(s.text, split);
    else this.doubleQuoted(s.text, split);
    this.pop();
  }

  private plain(text: string, split: boolean) {
    if (!text) return;
    if (!this.whitespace) this.raw(' ');
    this.whitespace = this.indention = false;
    // Words are written whole; a single space after a word that ends past the width becomes a line break.
    for (const run of runs(text)) {
      if (run.kind === 'space') {
        if (run.text.length === 1 && this.column > WIDTH && split) {
          this.toIndent();
          this.whitespace = this.indention = false;
        } else this.raw(run.text);
      } else if (run.kind === 'break') {
        this.breaks(run.text);
        this.whitespace = this.indention = false;
      } else this.raw(run.text);
    }
  }

  private breaks(text: string) {
    if (text[0] === '\n') this.newline();
    for (const br of text) this.newline(br);
    this.toIndent();
  }

  private singleQuoted(text: string, split: boolean) {
    this.indicator("'", true);
    const rs = runs(text);
    rs.forEach((run, i) => {
      if (run.kind === 'space') {
        if (run.text.length === 1 && this.column > WIDTH && split && i !== 0 && i !== rs.length - 1) this.toIndent();
        else this.raw(run.text);
      } else if (run.kind === 'break') this.breaks(run.text);
      else this.raw(run.text.replace(/'/g, "''"), Array.from(run.text).length + (run.text.match(/'/g)?.length ?? 0));
    });
    this.indicator("'", false);
  }

  private doubleQuoted(text: string, split: boolean) {
    this.indicator('"', true);
    const cs = Array.from(text);
    let start = 0;
    for (let end = 0; end <= cs.length; end++) {
      const ch = end < cs.length ? cs[end] : undefined;
      if (ch === undefined || needsEscape(ch)) {
        if (start < end) {
          this.raw(cs.slice(start, end).join(''), end - start);
          start = end;
        }
        if (ch !== undefined) {
          const cp = ch.codePointAt(0)!;
          const esc = ESCAPES[ch] !== undefined ? `\\${ESCAPES[ch]}` : cp <= 0xff ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
          this.raw(esc);
          start = end + 1;
        }
      }
      // Folding: at a space (or right after an escape) once the line would pass the width, end it with `\`.
      if (end > 0 && end < cs.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > WIDTH && split) {
        this.raw(cs.slice(start, end).join('') + '\\', Math.max(0, end - start) + 1);
        if (start < end) start = end;
        this.toIndent();
        this.whitespace = this.indention = false;
        if (cs[start] === ' ') this.raw('\\');
      }
    }
    this.indicator('"', false);
  }
}

interface Scalar {
  text: string;
  /** Written plain, it would read back as the same type. */
  plainOk: boolean;
  forceDouble?: boolean;
}

const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');

function needsEscape(ch: string): boolean {
  if ('"\\\x85\u2028\u2029\uFEFF'.includes(ch)) return true;
  const cp = ch.codePointAt(0)!;
  return !((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd));
}

/** The text cut into runs of spaces, of line breaks, and of anything else (code points kept whole). */
function runs(text: string): { kind: 'space' | 'break' | 'word'; text: string }[] {
  const out: { kind: 'space' | 'break' | 'word'; text: string }[] = [];
  for (const ch of text) {
    const kind = ch === ' ' ? 'space' : BREAKS.includes(ch) ? 'break' : 'word';
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += ch;
    else out.push({ kind, text: ch });
  }
  return out;
}

/** Python sorts str keys by code point; JavaScript's default sort compares UTF-16 units. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

/** The document as `yaml.safe_dump(..., default_flow_style=False, width=80, allow_unicode=True)` writes it. */
export function pyyamlDump(doc: PyValue, opts: DumpOptions): string {
  const w = new Writer(opts);
  w.node(doc, {});
  // Document end: back to column 0 on a fresh line.
  w.toIndent();
  return w.out;
}
