import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './manager';

export interface BenchRedis {
  url: string;
  port: number;
  child: ChildProcess;
  /** INFO sections of interest, parsed: calls per command, clients, memory. */
  stats(): Promise<RedisStats>;
  stop(): Promise<void>;
}

export interface RedisStats {
  connectedClients: number;
  blockedClients: number;
  usedMemoryMiB: number;
  totalCommands: number;
  /** Cumulative CPU seconds of the Redis process (user + sys). */
  cpuSeconds: number;
  /** The busiest commands: calls and microseconds. */
  top: { cmd: string; calls: number; usec: number }[];
}

/**
 * A Redis of the benchmark's own on a free loopback port (no persistence, no
 * eviction, as the dispatcher expects): the numbers are ours alone, and other
 * runs on the machine neither see nor disturb our queues.
 */
export async function startRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction', '--maxclients', '20000'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  admin.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await admin.connect();
      await admin.ping();
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    port,
    child,
    stats: async () => parseInfo(await admin.info('all')),
    stop: async () => {
      admin.disconnect();
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function parseInfo(info: string): RedisStats {
  const field = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  const top: RedisStats['top'] = [];
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) top.push({ cmd: m[1], calls: Number(m[2]), usec: Number(m[3]) });
  top.sort((a, b) => b.usec - a.usec);
  return {
    connectedClients: field('connected_clients'),
    blockedClients: field('blocked_clients'),
    usedMemoryMiB: Math.round(field('used_memory') / 1024 / 1024),
    totalCommands: field('total_commands_processed'),
    cpuSeconds: +(field('used_cpu_sys') + field('used_cpu_user')).toFixed(1),
    top: top.slice(0, 6),
  };
}
