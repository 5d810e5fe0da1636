/** A terminal in miniature: cursor up, clear line, carriage return, newline; the screen it ends with. */
export function finalScreen(text: string): string {
  const rows: string[] = [''];
  let r = 0;
  // eslint-disable-next-line no-control-regex -- escape sequences are what a terminal reads
  for (const m of text.matchAll(/\x1b\[(\d*)([A-Za-z])|\r|\n|[^\x1b\r\n]+/g)) {
    if (m[2] === 'A') r = Math.max(0, r - Number(m[1] || 1));
    else if (m[2] === 'K') rows[r] = '';
    else if (m[2]) continue;
    else if (m[0] === '\n') rows[++r] ??= '';
    else if (m[0] !== '\r') rows[r] += m[0];
  }
  return rows.map((l) => l.trimEnd()).join('\n').trimEnd() + '\n';
}
