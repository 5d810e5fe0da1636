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

/**
 * docker's own tables, as its tabwriter lays them out (minwidth 10, padding 3):
 * every column but the last is padded to max(10, widest cell + 3); the last
 * cell is printed as is, so rows with empty trailing cells keep their padding.
 */
export function dockerTable(headers: string[], rows: string[][]): string {
  const last = headers.length - 1;
  const widths = headers.map((h, i) => Math.max(10, h.length + 3, ...rows.map((r) => (r[i] ?? '').length + 3)));
  const line = (cells: string[]) => cells.map((c, i) => (i === last ? c : c.padEnd(widths[i]))).join('');
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
