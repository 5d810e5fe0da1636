/**
 * docker-compose 1.29's table (texttable): a header, a dashed rule, left-aligned
 * columns separated by three spaces.
 */
export function composeTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('   ')
      .trimEnd();
  const total = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1);
  const head = headers.map((h, i) => (i === headers.length - 1 ? h : center(h, widths[i]))).join('   ');
  return [head.trimEnd(), '-'.repeat(total), ...rows.map(line)].join('\n') + '\n';
}

function center(s: string, w: number): string {
  const left = Math.floor((w - s.length) / 2);
  return (' '.repeat(left) + s).padEnd(w);
}

/** docker's own tables: UPPERCASE headers, columns padded to the widest cell plus three spaces. */
export function dockerTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] + 3)))
      .join('')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
