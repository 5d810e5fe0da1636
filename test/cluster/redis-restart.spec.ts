import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla } from '../support/cli';
import { docker, eventually, purgeService } from '../support/docker';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';

/**
 * The store is the truth, Redis only rings doorbells: a Redis that restarts
 * empty (no persistence at all here) loses nothing. Uses a private
 * redis-server so the shared one is never touched.
 */
const svc = `rr${process.pid}`;

describe('Redis restarted empty: nothing lost', () => {
  let redis: ChildProcess | undefined;
  let port: number;
  let dir: string;
  let m: ManagerProcess;
  const startRedis = async () => {
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    await eventually(async () => {
      const { Redis } = await import('ioredis');
      const r = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0 });
      r.on('error', () => undefined);
      try {
        await r.connect();
        return (await r.ping()) === 'PONG';
      } finally {
        r.disconnect();
      }
    }, 'private redis up', 10_000);
  };
  const stopRedis = async () => {
    const r = redis!;
    const done = new Promise((res) => r.once('exit', res));
    r.kill('SIGKILL');
    await done;
  };
  const count = async () => (await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`] } })).length;
  const f = (...args: string[]) => flotilla(args, m.cliEnv);

  beforeAll(async () => {
    port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'flotilla-redis-'));
    await startRedis();
    m = await ManagerProcess.create({ REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await f('service', 'rm', svc);
    await eventually(async () => (await count()) === 0, 'cleanup', 20_000).catch(() => undefined);
    await m?.destroy();
    if (redis && redis.exitCode === null) await stopRedis();
    rmSync(dir, { recursive: true, force: true });
    await purgeService(svc);
  });

  it('scaling while Redis is down and after it returns empty converges', async () => {
    expect((await f('service', 'create', '--name', svc, '--replicas', '2', 'flotilla/busybox:latest', 'sh', '-c', 'trap "exit 0" TERM; sleep 100000 & wait')).code).toBe(0);
    expect(await count()).toBe(2);
    await stopRedis();
    // Accepted while Redis is down: the store has it, the doorbell does not ring.
    expect((await f('service', 'scale', '--detach', `${svc}=4`)).code).toBe(0);
    await startRedis();
    await eventually(async () => (await count()) === 4, '4 containers after Redis came back', 40_000);
    expect((await f('service', 'scale', `${svc}=1`)).code).toBe(0);
    await eventually(async () => (await count()) === 1, 'scaled down to 1', 30_000);
  });

  it('a manager restarted from its data dir while Redis is down waits for it, then carries on with the same service', async () => {
    await m.stop();
    await stopRedis();
    const booting = m.start();
    await new Promise((r) => setTimeout(r, 2000));
    expect(m.child!.exitCode).toBeNull();
    await startRedis();
    await booting;
    expect(m.log).toContain('Redis unreachable; retrying');
    expect((await f('service', 'scale', `${svc}=2`)).code).toBe(0);
    await eventually(async () => (await count()) === 2, 'scaled to 2 after the restart', 30_000);
  });
});
