import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABORTING, GRACEFUL, RAINBOW, assignPresenters, attachingLine, exitLine, monochrome, nextPresenter, prefixWidth, presentLine } from './log-printer';

/** What docker-compose 1.29.2 printed for test/compose/fixtures/up-attached (see the spec there). */
const ref = JSON.parse(
  readFileSync(join(__dirname, '../../../../../test/compose/fixtures/up-attached/reference-1.29.json'), 'utf8'),
) as { project: string; cases: Record<string, { stdout: string; stderr: string; code: number }> };
const P = ref.project;
const SERVICES = ['web', 'stubborn', 'job'];

/** Rebuilds 1.29's stdout from the pure pieces, the log lines in the order 1.29 happened to print them. */
function transcript(o: { monochrome: boolean; prefix: boolean; lines: [string, string][]; exit?: [string, number]; tail: string }) {
  const names = [`${P}_web_1`, `${P}_job_1`];
  const ps = assignPresenters(names, { serviceNames: SERVICES, monochrome: o.monochrome, prefix: o.prefix });
  let s = attachingLine(names);
  for (const [short, line] of o.lines) s += presentLine(ps.get(`${P}_${short}`)!, short, line);
  if (o.exit) s += exitLine(ps.get(o.exit[0])!, o.exit[0], o.exit[1]);
  return s + o.tail;
}

/** The recorded log lines, in their recorded order (containers interleave as they please). */
function linesOf(stdout: string, prefixed: boolean): [string, string][] {
  return stdout
    .split('\n')
    .filter((l) => /(web ready|job ran)$/.test(l))
    .map((l) => [l.includes('web ready') ? 'web_1' : 'job_1', prefixed ? l.slice(l.indexOf('| ') >= 0 ? l.indexOf('| ') + 2 : l.indexOf('|\u001b[0m ') + 6) : l]);
}

describe('attached up prints what docker-compose 1.29 prints', () => {
  it.each([
    ['abort', { monochrome: false, prefix: true }],
    ['no-color', { monochrome: true, prefix: true }],
    ['no-log-prefix', { monochrome: false, prefix: false }],
  ] as const)('%s', (name, o) => {
    const rec = ref.cases[name];
    expect(transcript({ ...o, lines: linesOf(rec.stdout, o.prefix), exit: [`${P}_job_1`, 3], tail: ABORTING })).toBe(rec.stdout);
  });

  it('Ctrl+C: Gracefully stopping', () => {
    const rec = ref.cases['sigint-once'];
    const ps = assignPresenters([`${P}_web_1`], { serviceNames: SERVICES, monochrome: false, prefix: true });
    expect(attachingLine([`${P}_web_1`]) + presentLine(ps.get(`${P}_web_1`)!, 'web_1', 'web ready') + GRACEFUL).toBe(rec.stdout);
  });

  it('the prefix is as wide as the longest service name plus 3, attached or not', () => {
    expect(prefixWidth(['web', 'stubborn', 'job'])).toBe(11);
    expect(prefixWidth(['db'])).toBe(5);
  });

  it('colours cycle through the rainbow in container-name order, then start again', () => {
    const names = Array.from({ length: 12 }, (_, i) => `p_s${String(i).padStart(2, '0')}_1`).reverse();
    const ps = assignPresenters(names, { serviceNames: ['s00'], monochrome: false, prefix: true });
    expect(ps.get('p_s00_1')!.colour).toBe('36');
    expect(ps.get('p_s05_1')!.colour).toBe('36;1');
    expect(ps.get('p_s10_1')!.colour).toBe(RAINBOW[0]);
  });

  it('a container that appears later takes the next colour and keeps it', () => {
    const ps = assignPresenters(['p_a_1'], { serviceNames: ['a'], monochrome: false, prefix: true });
    const late = nextPresenter(ps, 'p_a_2', { monochrome: false, width: 4, prefix: true });
    expect(late.colour).toBe('33');
    expect(nextPresenter(ps, 'p_a_2', { monochrome: false, width: 4, prefix: true })).toBe(late);
  });

  it.each([
    [{ color: true, env: {} }, false],
    [{ color: false, env: {} }, true],
    [{ color: true, env: { NO_COLOR: '1' } }, true],
    [{ color: true, env: { NO_COLOR: '' } }, false],
  ])('monochrome(%j) is %s', (o, want) => {
    expect(monochrome(o)).toBe(want);
  });
});
