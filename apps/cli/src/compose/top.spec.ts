import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTop } from './top';

// 1.29's answer on the same engine (test/compose/fixtures/relay/compose-1.29.json): the table is laid out the same way.
const recorded = (JSON.parse(readFileSync(join(__dirname, '../../../../test/compose/fixtures/relay/compose-1.29.json'), 'utf8')) as Record<string, { stdout: string }>).top.stdout;

describe('renderTop', () => {
  it("prints the container's name and 1.29's table of its processes", () => {
    const [name, head, , row] = recorded.split('\n');
    const cells = row.trim().split(/ {3}/).map((c) => c.trim());
    const titles = head.trim().split(/\s+/);
    // The process line has 8 cells; CMD holds spaces, so it is the rest of the row.
    const proc = [...cells.slice(0, 7), row.slice(row.indexOf('sh -c')).trimEnd()];
    expect(renderTop(name, { Titles: titles, Processes: [proc] })).toBe(recorded);
  });
});
