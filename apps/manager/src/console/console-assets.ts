import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { createHash } from 'node:crypto';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface Asset {
  type: string;
  body: Buffer;
  etag: string;
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

/** Every servable file of `dir`, read once: the console is a few small files. */
export function loadAssets(dir: string | undefined): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!dir) return assets;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, { type, body, etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"` });
  }
  return assets;
}
