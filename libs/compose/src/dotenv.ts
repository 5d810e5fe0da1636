/**
 * `.env` as Docker reads it: KEY=VALUE lines, `export ` prefix, comments,
 * single quotes literal, double quotes with escapes and multi-line values.
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    if (eq <= 0) {
      continue;
    }
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trimStart();
    const q = value[0];
    if (q === '"' || q === "'") {
      let body = value.slice(1);
      while (!closes(body, q) && i + 1 < lines.length) body += '\n' + lines[++i];
      const end = closingIndex(body, q);
      body = end >= 0 ? body.slice(0, end) : body;
      value = q === '"' ? body.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\') : body;
    } else {
      const hash = value.search(/\s#/);
      if (hash >= 0) value = value.slice(0, hash);
      value = value.trim();
    }
    out[key] = value;
  }
  return out;
}

function closingIndex(s: string, q: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && q === '"') {
      i++;
      continue;
    }
    if (s[i] === q) return i;
  }
  return -1;
}

function closes(s: string, q: string): boolean {
  return closingIndex(s, q) >= 0;
}
