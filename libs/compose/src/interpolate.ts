/** A `${...}` that is not one of the forms below, or a lone `$` before something that is not a name. */
export class InterpolationError extends Error {
  override name = 'InterpolationError';
}

/** `${VAR:?message}` / `${VAR?message}` on an unset (or empty) variable. */
export class MissingVariableError extends Error {
  override name = 'MissingVariableError';
  constructor(
    readonly variable: string,
    readonly detail: string,
  ) {
    super(`required variable ${variable} is missing a value: ${detail}`);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Compose variable substitution: $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e},
 * ${VAR?e}, ${VAR:+a}, ${VAR+a}; defaults and alternatives may themselves hold
 * substitutions (nesting); `$$` is a literal `$`. An unset variable without a
 * default becomes '' and is reported through `onUnset`. `plain` (v1 files)
 * allows only $VAR, ${VAR} and $$.
 */
export function interpolate(s: string, env: Env, onUnset: (name: string) => void = () => undefined, opts: { plain?: boolean } = {}): string {
  if (s.indexOf('$') < 0) return s;
  return new Interpolator(s, env, onUnset, !!opts.plain).run();
}

class Interpolator {
  private i = 0;

  constructor(
    private readonly s: string,
    private readonly env: Env,
    private readonly onUnset: (name: string) => void,
    /** v1 files: only $VAR, ${VAR} and $$ (docker-compose 1.29 reads no defaults there). */
    private readonly plain = false,
  ) {}

  run(): string {
    const out = this.until(undefined);
    return out;
  }

  private invalid(): never {
    throw new InterpolationError(`Invalid interpolation format: "${this.s}"`);
  }

  /** Reads text up to `stop` (a closing brace at this nesting level) or the end, expanding as it goes. */
  private until(stop: '}' | undefined): string {
    const s = this.s;
    let out = '';
    while (this.i < s.length) {
      const c = s[this.i];
      if (stop && c === stop) return out;
      if (c !== '$') {
        out += c;
        this.i++;
        continue;
      }
      const n = s[this.i + 1];
      if (n === '$') {
        out += '$';
        this.i += 2;
      } else if (n === '{') {
        this.i += 2;
        out += this.braced();
      } else if (n !== undefined && NAME_START.test(n)) {
        this.i++;
        const name = this.name();
        out += this.lookup(name);
      } else {
        this.invalid();
      }
    }
    if (stop) this.invalid();
    return out;
  }

  private name(): string {
    const s = this.s;
    const start = this.i;
    if (!NAME_START.test(s[this.i] ?? '')) this.invalid();
    while (this.i < s.length && NAME_CHAR.test(s[this.i])) this.i++;
    return s.slice(start, this.i);
  }

  private lookup(name: string): string {
    const v = this.env[name];
    if (v === undefined) this.onUnset(name);
    return v ?? '';
  }

  /** After `${`: NAME, then `}` or an operator and its (nested) argument, then `}`. */
  private braced(): string {
    const name = this.name();
    const s = this.s;
    let op = '';
    if (s[this.i] === ':') {
      op = ':';
      this.i++;
    }
    const c = s[this.i];
    if (c === '}' && !op) {
      this.i++;
      return this.lookup(name);
    }
    if (this.plain || (c !== '-' && c !== '?' && c !== '+')) this.invalid();
    op += c;
    this.i++;
    const v = this.env[name];
    const unset = v === undefined;
    const empty = unset || v === '';
    const missing = op.startsWith(':') ? empty : unset;
    // The argument is always parsed (so its syntax is checked), expanded only when used.
    const argStart = this.i;
    const arg = this.withSilence(op.endsWith('-') || op.endsWith('?') ? missing : !missing, () => this.until('}'));
    if (s[this.i] !== '}') this.invalid();
    this.i++;
    switch (op) {
      case '-':
      case ':-':
        return missing ? arg : v!;
      case '?':
      case ':?':
        if (missing) throw new MissingVariableError(name, arg || s.slice(argStart, this.i - 1) || name);
        return v!;
      default:
        return missing ? '' : arg;
    }
  }

  /** Evaluates `f` without reporting unset variables when its result is not used. */
  private withSilence<T>(used: boolean, f: () => T): T {
    if (used) return f();
    const inner = new Interpolator(this.s, this.env, () => undefined, this.plain);
    inner.i = this.i;
    const r = inner.until('}');
    this.i = inner.i;
    return r as T;
  }
}
