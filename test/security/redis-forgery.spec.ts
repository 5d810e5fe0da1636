import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ASSIGNMENTS_CHANGED, QUEUE_PREFIX, logDataChannel, logRequestChannel, nodeQueueName } from '@flotilla/contracts';
import { flotilla } from '../support/cli';
import { eventually, purgeService } from '../support/docker';
import { ManagerProcess } from '../support/manager';
import { REDIS_URL } from '../support/env';

const svc = `forge${process.pid}`;

describe('Redis is not trusted: what others write there for a node is dropped', () => {
  let m: ManagerProcess;
  let nodeId: string;
  let redis: Redis;
  const f = (...args: string[]) => flotilla(args, m.cliEnv);

  beforeAll(async () => {
    m = await ManagerProcess.create();
    redis = new Redis(REDIS_URL);
    nodeId = (await f('node', 'ls', '-q')).stdout.trim();
    expect(nodeId).toMatch(/^[a-z0-9]{25}$/);
    const c = await f('service', 'create', '--name', svc, 'flotilla/busybox:latest', 'sh', '-c', 'echo secret-line; sleep 600');
    expect(c.code, c.stderr).toBe(0);
  });
  afterAll(async () => {
    await f('service', 'rm', svc);
    redis?.disconnect();
    await m?.destroy();
    await purgeService(svc);
  });

  it('a forged log request streams nothing; the cluster’s own still does', async () => {
    const reqId = 'deadbeef00112233';
    const sub = redis.duplicate();
    const frames: string[] = [];
    sub.on('message', (_c, msg) => frames.push(msg));
    await sub.subscribe(logDataChannel(reqId));
    const full = await eventually(async () => {
      const ids = (await f('service', 'ps', svc, '-q', '--no-trunc')).stdout.trim().split('\n').filter(Boolean);
      return ids.length ? ids : undefined;
    }, 'the task', 30_000);
    for (const forged of [
      { reqId, taskIds: full, follow: false, timestamps: false, at: Date.now(), sig: '0'.repeat(64) },
      { reqId, taskIds: full, follow: false, timestamps: false },
    ]) {
      await redis.publish(logRequestChannel(nodeId), JSON.stringify(forged));
    }
    await eventually(async () => (m.log.match(/log request not signed by the cluster/g) ?? []).length >= 1, 'the worker dropping the forged request', 20_000);
    const real = await eventually(async () => {
      const r = await f('service', 'logs', svc);
      return r.stdout.includes('secret-line') ? r : undefined;
    }, 'the signed request served', 30_000);
    expect(real.code).toBe(0);
    expect(frames).toEqual([]);
    sub.disconnect();
  });

  it('a forged doorbell is dropped and named', async () => {
    const q = new Queue(nodeQueueName(nodeId), { connection: redis.duplicate({ maxRetriesPerRequest: null }), prefix: QUEUE_PREFIX });
    await q.add(ASSIGNMENTS_CHANGED, { nodeId, index: 1e9, sig: 'f'.repeat(64) }, { jobId: `forged-${process.pid}` });
    await eventually(async () => m.log.includes('doorbell not signed by the cluster; dropped'), 'the worker dropping the forged doorbell', 20_000);
    const job = await eventually(async () => {
      const j = await q.getJob(`forged-${process.pid}`);
      return j && (await j.isFailed()) ? j : undefined;
    }, 'the forged job failed', 20_000);
    expect(job.failedReason).toBe('doorbell not signed by the cluster');
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  });
});
