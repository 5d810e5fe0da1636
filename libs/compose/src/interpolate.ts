export class InterpolationError extends Error {
  override name = 'InterpolationError';
}

/**
 * Compose variable substitution: $VAR, ${VAR}, ${VAR:-d}, ${VAR-d},
 * ${VAR:?e}, ${VAR?e}, ${VAR:+a}, ${VAR+a}, nesting in defaults, $$ escape.
 * Unset variables without default become '' and are reported via `warn`.
 */
export function interpolate(s: string, env: Record<string, string | undefined>, warn: (name: string) => void): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const n = s[i + 1];
    if (n === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (n === '{') {
      const end = matchingBrace(s, i + 1);
      if (end < 0) throw new InterpolationError(`Invalid interpolation format for "${s}": missing closing brace`);
      out += expand(s.slice(i + 2, end), env, warn, s);
      i = end + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
    if (!m) {
      out += '$';
      i++;
      continue;
    }
    const v = env[m[0]];
    if (v === undefined) warn(m[0]);
    out += v ?? '';
    i += 1 + m[0].length;
  }
  return out;
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function expand(body: string, env: Record<string, string | undefined>, warn: (n: string) => void, whole: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (!m) throw new InterpolationError(`Invalid interpolation format for "${whole}": "\${${body}}"`);
  const [, name, op, arg = ''] = m;
  const v = env[name];
  const unsetOrEmpty = v === undefined || v === '';
  const sub = () => interpolate(arg, env, warn);
  switch (op) {
    case undefined:
      if (v === undefined) warn(name);
      return v ?? '';
    case ':-':
      return unsetOrEmpty ? sub() : v!;
    case '-':
      return v === undefined ? sub() : v;
    case ':?':
      if (unsetOrEmpty) throw new InterpolationError(`required variable ${name} is missing a value: ${sub()}`);
      return v!;
    case '?':
      if (v === undefined) throw new InterpolationError(`required variable ${name} is missing a value: ${sub()}`);
      return v;
    case ':+':
      return unsetOrEmpty ? '' : sub();
    case '+':
      return v === undefined ? '' : sub();
  }
  return '';
}
