import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { ManagerProcess } from '../support/manager';
import { launchBrowser, watchedPage } from './browser';
import type { Doc } from './dom';

declare const document: Doc;

const WAIT = { timeout: 60_000, polling: 100 };

/**
 * A cluster bigger than one page of the console: the node table and the grid show a page at a
 * time (so 1,000 nodes never put thousands of rows on the page), turn pages, and follow a node
 * that joins without a reload. The extra nodes exist only as API clients (registered, no engine),
 * which is all the console reads.
 */
describe('console: a cluster bigger than a page', () => {
  let m: ManagerProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let token: string;

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`http://${m.host}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const register = (i: number) =>
    api('POST', '/flotilla/v1/nodes/register', {
      token,
      addr: `10.99.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      description: { Hostname: `paged-${String(i).padStart(3, '0')}`, Resources: { NanoCPUs: 1e9, MemoryBytes: 1e9 }, Engine: { EngineVersion: '20.10.24' } },
    });
  const rows = () => page.$$eval('table.nodes tbody tr', (trs) => trs.length);
  const cards = () => page.$$eval('.grid .node', (cs) => cs.length);
  const pagerText = (what: string) => page.$eval(`nav.pager[data-pager="${what}"] span`, (s) => s.textContent);

  beforeAll(async () => {
    m = await ManagerProcess.create();
    token = (await api<{ JoinTokens: { Worker: string } }>('GET', '/v1.41/swarm')).JoinTokens.Worker;
    for (let i = 0; i < 60; i += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => register(i + k)));
    browser = await launchBrowser();
    ({ page, errors } = await watchedPage(browser));
  }, 120_000);
  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await m?.destroy();
  });

  it('61 nodes: the table shows 50 and the grid 48, each with its page of the whole', async () => {
    await page.goto(`http://${m.host}/ui/`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => document.querySelector('#nodes h2')?.textContent === 'Nodes (61)', WAIT);
    expect(await rows()).toBe(50);
    expect(await cards()).toBe(48);
    expect(await pagerText('nodes')).toBe('1–50 of 61');
    expect(await pagerText('grid')).toBe('1–48 of 61');
  });

  it('the next page shows the rest, in node ls order', async () => {
    await page.click('nav.pager[data-pager="nodes"] button[data-page="1"]');
    await page.waitForFunction(() => document.querySelectorAll('table.nodes tbody tr').length === 11, WAIT);
    const names = await page.$$eval('table.nodes td.hostname', (tds) => tds.map((td) => td.textContent));
    // Hostname order: the manager's own host name sorts among the paged-NNN ones, so check the order itself.
    expect(names).toEqual([...names].sort());
    expect(await pagerText('nodes')).toBe('51–61 of 61');
    await page.click('nav.pager[data-pager="grid"] button[data-page="1"]');
    await page.waitForFunction(() => document.querySelectorAll('.grid .node').length === 13, WAIT);
  });

  it('a node that joins shows without a reload (a diff, not a new page)', async () => {
    await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));
    await register(60);
    await page.waitForFunction(() => document.querySelector('#nodes h2')?.textContent === 'Nodes (62)', WAIT);
    expect(await pagerText('nodes')).toBe('51–62 of 62');
    expect(await rows()).toBe(12);
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument: boolean }).sameDocument)).toBe(true);
  });

  it('logged no error on the page', () => {
    expect(errors).toEqual([]);
  });
});
