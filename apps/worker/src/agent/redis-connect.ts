import { Redis } from 'ioredis';
import { FlotillaError } from '@flotilla/contracts';

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
  try {
    redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 3000,
      // BullMQ workers need blocking commands to wait forever; producers should fail fast.
      maxRetriesPerRequest: opts.forWorker ? null : 3,
      enableOfflineQueue: opts.forWorker ?? false,
      retryStrategy: (n) => Math.min(n * 200, 2000),
    });
  } catch (e) {
    throw new FlotillaError('invalid_argument', `invalid Redis URL ${url}: ${(e as Error).message}`);
  }
  redis.on('error', () => undefined); // reconnects are handled by retryStrategy; errors surface on commands
  try {
    await withTimeout(redis.connect(), 4000);
    await withTimeout(redis.ping(), 2000);
  } catch (e) {
    redis.disconnect();
    throw new FlotillaError('unavailable', `cannot reach Redis at ${url}: ${(e as Error).message || 'timeout'}`);
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
