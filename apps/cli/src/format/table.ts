/**
 * docker-compose 1.29's table (texttable): headers centred, a dashed rule,
 * columns left-aligned and padded to their width (the last one too),
 * separated by three spaces.
 */
export function composeTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const total = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1);
  const head = headers.map((h, i) => center(h, widths[i])).join('   ');
  const body = rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('   '));
  return [head, '-'.repeat(total), ...body].join('\n') + '\n';
}

function center(s: string, w: number): string {
  const left = Math.floor((w - s.length) / 2);
  return (' '.repeat(left) + s).padEnd(w);
}

/** docker-compose shortens long commands to 30 characters: 26 of them and " ...". */
export function shortenCommand(s: string): string {
  return s.length > 30 ? `${s.slice(0, 26)} ...` : s;
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
