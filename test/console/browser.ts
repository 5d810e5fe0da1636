import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Doc } from './dom';

declare const document: Doc;

/** Debian's chromium (CI installs it with puppeteer-core): headless, no sandbox as root. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A page that records every console error and uncaught exception it sees. */
export async function watchedPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${(e as Error).message}`));
  page.on('requestfailed', (r) => {
    // A log stream the page closes on purpose is aborted, not failed.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  await page.setViewport({ width: 1280, height: 900 });
  return { page, errors };
}

/** The text of the REPLICAS cell of service `name` on the overview, or undefined. */
export function replicasOf(page: Page, name: string): Promise<string | undefined> {
  return page.evaluate((n) => document.querySelector(`tr[data-service="${n}"] td.replicas`)?.textContent ?? undefined, name);
}
