import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Below this a gzip answer saves less than its own overhead. */
const GZIP_FROM_BYTES = 1024;

export interface Asset {
  type: string;
  body: Buffer;
  /** The same body gzipped, when that is worth it (text of some size). */
  gzip?: Buffer;
  etag: string;
}

export interface ConsoleAssets {
  files: Map<string, Asset>;
  /** CSP source expressions for the inline <style> of index.html. */
  styleSources: string[];
}

/**
 * The console's static files (plain ES modules, CSS, HTML: no bundler), kept
 * in apps/manager/ui next to the sources and found by walking up from this
 * file, so the same lookup works from src/ (tests) and dist/ (the build) alike.
 */
export function findUiDir(from: string = __dirname): string | undefined {
  for (let d = from; ; d = dirname(d)) {
    const candidate = join(d, 'apps', 'manager', 'ui');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

const STYLESHEET_LINK = /<link rel="stylesheet" href="([\w.-]+\.css)">/;

/**
 * index.html with its stylesheet put inline: a linked stylesheet blocks the first paint for a
 * second request. The page's CSP admits that one <style> by its hash (still no inline script).
 */
export function inlineStylesheet(html: string, readCss: (name: string) => string): { html: string; styleSources: string[] } {
  const m = STYLESHEET_LINK.exec(html);
  if (!m) return { html, styleSources: [] };
  const css = readCss(m[1]);
  const hash = createHash('sha256').update(css).digest('base64');
  return { html: html.replace(m[0], () => `<style>${css}</style>`), styleSources: [`'sha256-${hash}'`] };
}

function asset(type: string, body: Buffer): Asset {
  const gzip = type.startsWith('text/') && body.length >= GZIP_FROM_BYTES ? gzipSync(body, { level: 9 }) : undefined;
  return { type, body, gzip, etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"` };
}

/** Every servable file of `dir`, read (and gzipped) once: the console is a few small files. */
export function loadAssets(dir: string | undefined): ConsoleAssets {
  const files = new Map<string, Asset>();
  let styleSources: string[] = [];
  if (!dir) return { files, styleSources };
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    let body = readFileSync(join(dir, name));
    if (name === 'index.html') {
      const inlined = inlineStylesheet(body.toString('utf8'), (css) => readFileSync(join(dir, css), 'utf8'));
      body = Buffer.from(inlined.html);
      styleSources = inlined.styleSources;
    }
    files.set(name, asset(type, body));
  }
  return { files, styleSources };
}
