import { Redis } from 'ioredis';
import { FlotillaError } from '@flotilla/contracts';
import { redactRedisUrl, redisTlsOptions } from './redis-tls';

/**
 * One connection, bounded, so a wrong REDIS_URL fails the boot with one clear
 * line. A node coming back as itself (`waitMs`: a restarted manager or worker,
 * a demoted node) rides out a Redis restart instead, retrying each second.
 * Used by the manager's dispatcher and by every worker.
 */
export async function connectRedis(
  url: string,
  opts: { forWorker?: boolean; waitMs?: number; onRetry?: (err: string, leftMs: number) => void } = {},
): Promise<Redis> {
  const deadline = Date.now() + (opts.waitMs ?? 0);
  for (;;) {
    try {
      return await connectOnce(url, opts);
    } catch (e) {
      if (!(e instanceof FlotillaError) || e.code !== 'unavailable' || Date.now() + RETRY_MS > deadline) throw e;
      opts.onRetry?.(e.message, deadline - Date.now());
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}

const RETRY_MS = 1000;

async function connectOnce(url: string, opts: { forWorker?: boolean }): Promise<Redis> {
  let redis: Redis;
  // A bad REDIS_CA is the caller's to fix: it fails at once, outside the retry on `unavailable`.
  const tls = redisTlsOptions(url);
  try {
    redis = new Redis(url, {
      ...tls,
      lazyConnect: true,
      connectTimeout: 3000,
      // BullMQ workers need blocking commands to wait forever; producers should fail fast.
      maxRetriesPerRequest: opts.forWorker ? null : 3,
      enableOfflineQueue: opts.forWorker ?? false,
      retryStrategy: (n) => Math.min(n * 200, 2000),
    });
  } catch (e) {
    throw new FlotillaError('invalid_argument', `invalid Redis URL ${redactRedisUrl(url)}: ${(e as Error).message}`);
  }
  // Reconnects are handled by retryStrategy; errors surface on commands. The socket's own error
  // (a refused certificate, a wrong password) is kept: connect() only says "Connection is closed".
  let cause: Error | undefined;
  redis.on('error', (e: Error) => (cause ??= e));
  try {
    await withTimeout(redis.connect(), 4000);
    await withTimeout(redis.ping(), 2000);
  } catch (e) {
    redis.disconnect();
    const why = cause && cause.message !== (e as Error).message ? `${(e as Error).message} (${cause.message})` : (e as Error).message || 'timeout';
    throw new FlotillaError('unavailable', `cannot reach Redis at ${redactRedisUrl(url)}: ${why}`);
  }
  return redis;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error('timeout')), ms))),
  ]);
}
