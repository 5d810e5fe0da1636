import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { flotilla } from '../support/cli';
import type { Host, HostSet } from '../support/hosts';
import { netnsCluster, type NetnsCluster } from '../support/netns-cluster';
import { launchBrowser, watchedPage } from './browser';
import type { Doc } from './dom';

declare const document: Doc;

/** This suite's own hosts (never the default set other specs use). */
const SET: HostSet = { prefix: 'cnh', net: '10.238.0', bridge: 'cnhbr0', state: '/var/lib/flotilla-hosts-cn' };
const WAIT = { timeout: 120_000, polling: 200 };
const isRoot = process.getuid?.() === 0;

/** The console of a 3-host cluster (one manager, two workers, a dockerd each), read from outside over the network. */
describe.skipIf(!isRoot)('console: three hosts', () => {
  let cluster: NetnsCluster;
  let hosts: Host[];
  let env: Record<string, string>;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const svc = `cnh${process.pid}`;
  const f = (...args: string[]) => flotilla(args, env);

  beforeAll(async () => {
    // The manager runs with --api-remote: the browser runs on the machine, outside the manager's host.
    cluster = await netnsCluster(SET, 3);
    ({ hosts } = cluster);
    env = { ...cluster.env, FLOTILLA_WAIT_TIMEOUT: '90' };
    const c = await f('service', 'create', '--name', svc, '--replicas', '3', 'flotilla/busybox:latest', 'sh', '-c', 'while true; do echo "tick from $(hostname)"; sleep 1; done');
    expect(c.code, c.stderr).toBe(0);
    browser = await launchBrowser();
    ({ page, errors } = await watchedPage(browser));
  }, 300_000);

  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await cluster?.stop();
  }, 180_000);

  it('shows the three hosts, and a task of the service on each in the grid', async () => {
    await page.goto(`http://${hosts[0].ip}:2377/ui/`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction((n) => document.querySelector(`tr[data-service="${n}"] td.replicas`)?.textContent === '3/3', WAIT, svc);
    const nodes = await page.$$eval('table.nodes td.hostname', (tds) => tds.map((td) => td.textContent));
    expect(nodes).toEqual(hosts.map((h) => h.name));
    const perHost = await page.$$eval(
      '.grid .node',
      (cards, n) => cards.map((c) => [c.getAttribute('data-node'), [...c.querySelectorAll('a.chip')].filter((a) => a.textContent!.startsWith(`${n}.`)).length]),
      svc,
    );
    expect(perHost).toEqual(hosts.map((h) => [h.name, 1]));
  });

  it('the service page: a running task on each host, and log lines from each', async () => {
    await page.click(`tr[data-service="${svc}"] a`);
    await page.waitForFunction(() => document.querySelectorAll('table.tasks tr[data-desired="running"][data-state="running"]').length === 3, WAIT);
    const taskHosts = await page.$$eval('table.tasks tr[data-desired="running"] td.host', (tds) => tds.map((td) => td.textContent).sort());
    expect(taskHosts).toEqual(hosts.map((h) => h.name));
    // Each node sends its own tasks' lines (over Redis): a line prefixed with every host's name.
    await page.waitForFunction(
      (names) => {
        const text = Array.from(document.querySelectorAll('#log-lines div')).map((d) => d.textContent ?? '');
        return names.every((h) => text.some((l) => new RegExp(`@${h} \\| tick from `).test(l)));
      },
      WAIT,
      hosts.map((h) => h.name),
    );
  });

  it('logged no error on the page', () => {
    expect(errors).toEqual([]);
  });
});
