import type { Env } from './interpolate';

export interface DotenvProblem {
  line: number;
  message: string;
}

/**
 * A `.env` file as docker-compose 1.29 reads it (python-dotenv): `KEY=VALUE`
 * lines, optional `export `, full-line and inline (` #`, unquoted or after the
 * closing quote) comments, single and double quotes (multi-line; `\'` in single
 * quotes, `\n \t \r \\ \" \'` in double quotes), and `${VAR}` / `${VAR:-default}`
 * substitution in every value (earlier keys of the file first, then `lookup`;
 * the default only when VAR is unset; a bare `$VAR` and `$$` stay as written).
 * A bare `KEY` inherits from `lookup` (Compose v2). Lines it cannot read are
 * returned as problems; the rest is still parsed.
 */
export function parseDotenv(text: string, lookup: Env = {}, problems: DotenvProblem[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const src = text.replace(/\r\n?/g, '\n');
  const env: Env = new Proxy(out, {
    get: (t, k: string) => (k in t ? t[k] : lookup[k]),
  });
  let i = 0;
  let line = 1;
  const n = src.length;
  while (i < n) {
    const lineStart = line;
    const eol = src.indexOf('\n', i);
    const end = eol < 0 ? n : eol;
    let raw = src.slice(i, end);
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) {
      i = end + 1;
      line++;
      continue;
    }
    raw = trimmed.replace(/^export\s+/, '');
    const eq = raw.indexOf('=');
    if (eq < 0) {
      if (/^[A-Za-z0-9_.-]+$/.test(raw)) {
        const v = lookup[raw];
        if (v !== undefined) out[raw] = v;
      } else problems.push({ line: lineStart, message: `unexpected character in variable name ${JSON.stringify(raw)}` });
      i = end + 1;
      line++;
      continue;
    }
    const key = raw.slice(0, eq).trim();
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) {
      problems.push({ line: lineStart, message: `invalid variable name ${JSON.stringify(key)}` });
      i = end + 1;
      line++;
      continue;
    }
    // Offset of the value in `src` (quoted values may run over several lines).
    const valueAt = i + (src.slice(i, end).indexOf('=') + 1);
    let j = valueAt;
    while (j < n && (src[j] === ' ' || src[j] === '\t')) j++;
    const q = src[j];
    if (q === "'" || q === '"') {
      let k = j + 1;
      let body = '';
      for (; k < n && src[k] !== q; k++) {
        const c = src[k];
        if (c === '\\' && k + 1 < n) {
          const d = src[k + 1];
          if (q === "'") {
            if (d === "'") {
              body += "'";
              k++;
            } else body += c;
            continue;
          }
          const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
          if (d in esc) {
            body += esc[d];
            k++;
            continue;
          }
        }
        if (c === '\n') line++;
        body += c;
      }
      if (k >= n) {
        problems.push({ line: lineStart, message: `unterminated quoted value for ${key}` });
        break;
      }
      out[key] = substitute(body, env);
      const next = src.indexOf('\n', k);
      i = next < 0 ? n : next + 1;
      line++;
      continue;
    }
    let value = src.slice(j, end);
    const hash = value.search(/(^|\s)#/);
    if (hash >= 0) value = value.slice(0, hash);
    out[key] = substitute(value.trim(), env);
    i = end + 1;
    line++;
  }
  return out;
}

const VARIABLE = /\$\{([^}:]*)(?::-([^}]*))?\}/g;

function substitute(v: string, env: Env): string {
  if (v.indexOf('${') < 0) return v;
  return v.replace(VARIABLE, (_m, name: string, dflt: string | undefined) => env[name] ?? dflt ?? '');
}
