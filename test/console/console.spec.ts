import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { flotilla, runCommand } from '../support/cli';
import { purgeService } from '../support/docker';
import { ManagerProcess } from '../support/manager';
import { ROOT } from '../support/env';
import { launchBrowser, replicasOf, watchedPage } from './browser';
import type { Doc, Win } from './dom';

declare const document: Doc;
declare const window: Win;

const svc = `cn${process.pid}`;
const WAIT = { timeout: 90_000, polling: 100 };
/** What Docker printed for the same service (test/console/docker-reference.json). */
const reference = JSON.parse(readFileSync(join(__dirname, 'docker-reference.json'), 'utf8')) as { commands: Record<string, unknown> };
const dockerLine = (reference.commands['docker service logs --tail 2 web'] as string[])[0];

/**
 * The console in a real browser (Debian's chromium through puppeteer-core)
 * against a one-manager cluster: what it shows follows the cluster without a
 * reload, and agrees with what the stock docker CLI reads from the same manager.
 */
describe('console: /ui/ in a headless browser, one node', () => {
  let m: ManagerProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const f = (...args: string[]) => flotilla(args, m.cliEnv);
  const d = (...args: string[]) => runCommand('docker', args, { env: { ...process.env, DOCKER_HOST: `tcp://${m.host}` } });

  beforeAll(async () => {
    m = await ManagerProcess.create();
    const c = await f('service', 'create', '--name', svc, '--replicas', '3', 'flotilla/busybox:latest', 'sh', '-c', 'while true; do echo tick; sleep 1; done');
    expect(c.code, c.stderr).toBe(0);
    browser = await launchBrowser();
    ({ page, errors } = await watchedPage(browser));
  });
  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    // The last test stops the manager: back on its data dir, to remove the service as a user would.
    if (m && m.child?.exitCode !== null) await m.start().catch(() => undefined);
    await f('service', 'rm', svc).catch(() => undefined);
    await m?.destroy();
    await purgeService(svc);
  });

  it('shows the node and the service at 3/3, as docker node ls / service ls read them', async () => {
    await page.goto(`http://${m.host}/ui/`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction((n) => document.querySelector(`tr[data-service="${n}"] td.replicas`)?.textContent === '3/3', WAIT, svc);
    const nodes = await d('node', 'ls', '--format', '{{.Hostname}} {{.Status}} {{.Availability}} {{.ManagerStatus}}');
    expect(nodes.code, nodes.stderr).toBe(0);
    const row = await page.evaluate(() => Array.from(document.querySelectorAll('table.nodes tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
    expect(row.map((r) => `${r[0]} ${r[3]} ${r[4]} ${r[2]}`)).toEqual(nodes.stdout.trim().split('\n'));
    // The same columns Docker's own swarm shows for its one manager.
    const ref = (reference.commands["docker node ls --format '{{json .}}'"] as Record<string, string>[])[0];
    expect([row[0][3], row[0][4], row[0][2]]).toEqual([ref.Status, ref.Availability, ref.ManagerStatus]);
    const ls = await d('service', 'ls', '--filter', `name=${svc}`, '--format', '{{.Replicas}}');
    expect(ls.stdout.trim()).toBe(await replicasOf(page, svc));
  });

  it('follows a scale to 5 from the CLI without a reload', async () => {
    await page.evaluate(() => (window.sameDocument = true));
    const s = await f('service', 'scale', '-d', `${svc}=5`);
    expect(s.code, s.stderr).toBe(0);
    await page.waitForFunction((n) => document.querySelector(`tr[data-service="${n}"] td.replicas`)?.textContent === '5/5', WAIT, svc);
    expect(await page.evaluate(() => window.sameDocument)).toBe(true);
    // Five chips of the service in the node's column of the grid.
    expect(await page.$$eval(`.grid .node a.chip`, (as, n) => as.filter((a) => a.textContent!.startsWith(`${n}.`)).length, svc)).toBe(5);
    if (process.env.CONSOLE_SCREENSHOT) await page.screenshot({ path: process.env.CONSOLE_SCREENSHOT, fullPage: true });
  });

  it('the service page: 5 running tasks and their log lines, prefixed as docker service logs does', async () => {
    await page.click(`tr[data-service="${svc}"] a`);
    await page.waitForFunction(() => document.querySelectorAll('table.tasks tr[data-desired="running"][data-state="running"]').length === 5, WAIT);
    const hosts = await page.$$eval('table.tasks tr[data-desired="running"] td.host', (tds) => tds.map((td) => td.textContent));
    expect(new Set(hosts).size).toBe(1);
    await page.waitForFunction(() => (document.getElementById('log-lines')?.childElementCount ?? 0) >= 5, WAIT);
    const lines = await page.$$eval('#log-lines div', (ds) => ds.map((x) => x.textContent!));
    const shape = (l: string) => l.replace(/^\S+?\.(\d+)\.[a-z0-9]{12}@\S+\s+\| /, '<svc>.<slot>.<id>@<host> | ');
    expect(shape(lines[0])).toBe(shape(dockerLine));
    expect(lines.every((l) => new RegExp(`^${svc}\\.[1-5]\\.[a-z0-9]{12}@${hosts[0]} \\| tick$`).test(l))).toBe(true);
    if (process.env.CONSOLE_SCREENSHOT) await page.screenshot({ path: process.env.CONSOLE_SCREENSHOT.replace(/\.png$/, '-service.png'), fullPage: true });
  });

  it('logged no error on the page', () => {
    expect(errors).toEqual([]);
  });

  it('is served by flotilla alone: the page references nothing outside /ui/', () => {
    const html = readFileSync(join(ROOT, 'apps/manager/ui/index.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('a page left open does not hold the manager up: stopping ends its streams and exits cleanly', async () => {
    const stream = await fetch(`http://${m.host}/ui/api/stream`);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const body = stream.text();
    await m.stop();
    // Without ending the streams itself, the manager would only go at its stop deadline, with exit code 1.
    expect(m.child!.exitCode).toBe(0);
    expect(await body).toContain('event: state');
  });
});
