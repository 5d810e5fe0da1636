import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { FlotillaError } from '@flotilla/contracts';

/** A Redis URL fit for logs and errors: the password (and a user's name) replaced. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password && !u.username) return url;
    if (u.username) u.username = '***';
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    // Not a URL at all: say so without echoing what might be a secret.
    return '<unparseable Redis URL>';
  }
}

/**
 * TLS options for a `rediss://` URL: the CA of the server's certificate from REDIS_CA (a PEM file),
 * else the system's CAs (ioredis' own default for rediss). Plain `redis://` gets none.
 */
export function redisTlsOptions(url: string, env: NodeJS.ProcessEnv = process.env): { tls?: ConnectionOptions } {
  if (!/^rediss:/i.test(url)) return {};
  const caFile = env.REDIS_CA;
  if (!caFile) return { tls: {} };
  let ca: Buffer;
  try {
    ca = readFileSync(caFile);
  } catch (e) {
    throw new FlotillaError('invalid_argument', `REDIS_CA=${caFile}: cannot read the CA file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!/-----BEGIN CERTIFICATE-----/.test(ca.toString('latin1'))) {
    throw new FlotillaError('invalid_argument', `REDIS_CA=${caFile}: not a PEM certificate`);
  }
  return { tls: { ca } };
}
