/**
 * Finds where a mapping key sits in YAML text, by walking indentation: enough
 * to point an error at file:line:column without a second parser.
 */
export function keyPosition(text: string, path: (string | number)[]): { line: number; column: number } | undefined {
  const lines = text.split('\n');
  let from = 0;
  let parentIndent = -1;
  let found: { line: number; column: number } | undefined;
  for (const key of path) {
    if (typeof key === 'number') return found;
    let hit = -1;
    let hitIndent = -1;
    for (let i = from; i < lines.length; i++) {
      const raw = lines[i];
      const stripped = raw.replace(/^\s*(- )?/, '');
      if (/^\s*(#|$)/.test(raw)) continue;
      const indent = raw.length - raw.trimStart().length;
      if (indent <= parentIndent && i > from) break;
      const m = /^(['"]?)([^'":#]+)\1\s*:(\s|$)/.exec(stripped);
      if (m && m[2].trim() === key && (hitIndent === -1 || indent <= hitIndent)) {
        hit = i;
        hitIndent = raw.length - stripped.length;
        break;
      }
    }
    if (hit < 0) return found;
    found = { line: hit + 1, column: hitIndent + 1 };
    from = hit + 1;
    parentIndent = hitIndent;
  }
  return found;
}
