/**
 * Hollow nodes (kubemark-style): register like real workers, consume their
 * BullMQ doorbells, fetch their full assignment set and report every task
 * running at once, without Docker. One process hosts many nodes.
 * Usage (spawned by main.ts): node hollow.js MANAGER_URL TOKEN COUNT PREFIX
 */
import { Worker as BullWorker } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_PREFIX, nodeQueueName, type AssignmentSet, type RegisterResponse, type TaskReport } from '@flotilla/contracts';

const [managerUrl, token, countArg, prefix] = process.argv.slice(2);
const count = Number(countArg);

async function call<T>(method: string, path: string, secret: string | undefined, body?: unknown): Promise<T> {
  const r = await fetch(managerUrl + path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  const t = await r.text();
  return (t ? JSON.parse(t) : undefined) as T;
}

/** Retries a call a few times: a manager under a thousand registrations may drop a connection. */
async function retry<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i >= 5) throw e;
      await new Promise((r) => setTimeout(r, 200 * (i + 1)));
    }
  }
}

async function hollowNode(i: number) {
  const reg = await retry(() => call<RegisterResponse>('POST', '/flotilla/v1/nodes/register', undefined, {
    token,
    role: 'worker',
    addr: '10.99.0.1',
    description: {
      Hostname: `${prefix}-${i}`,
      Platform: { Architecture: 'x86_64', OS: 'linux' },
      Resources: { NanoCPUs: 8e9, MemoryBytes: 32 * 1024 ** 3 },
      Engine: { EngineVersion: 'hollow' },
    },
  }));
  const id = reg.nodeId;
  const reported = new Set<string>();
  let lastIndex = 0;
  let busy = false;
  let again = false;
  const sync = async () => {
    if (busy) return void (again = true);
    busy = true;
    try {
      do {
        again = false;
        const set = await call<AssignmentSet>('GET', `/flotilla/v1/nodes/${id}/assignments`, reg.nodeSecret);
        lastIndex = set.index;
        const reports: TaskReport[] = [];
        for (const t of set.tasks) {
          if (t.DesiredState === 'running' && t.Status.State !== 'running' && !reported.has(t.ID)) {
            reports.push({ taskId: t.ID, state: 'running', message: 'started' });
            reported.add(t.ID);
          } else if (t.DesiredState !== 'running' && t.Status.State === 'running') {
            reports.push({ taskId: t.ID, state: 'shutdown', message: 'shutdown' });
          }
        }
        if (reports.length) await call('POST', `/flotilla/v1/nodes/${id}/status`, reg.nodeSecret, { reports });
      } while (again);
    } finally {
      busy = false;
    }
  };
  const conn = new Redis(reg.redisUrl, { maxRetriesPerRequest: null });
  const w = new BullWorker(
    nodeQueueName(id),
    async (job) => {
      if ((job.data as { index: number }).index > lastIndex) await sync();
    },
    { connection: conn, prefix: QUEUE_PREFIX, concurrency: 1, drainDelay: 5 },
  );
  w.on('error', () => undefined);
  setInterval(() => void call('POST', `/flotilla/v1/nodes/${id}/heartbeat`, reg.nodeSecret).catch(() => undefined), 2000).unref();
  // The same safety net as a real worker: a full resync now and then, whatever the queue did.
  setInterval(() => void sync().catch(() => undefined), 10_000).unref();
}

async function main() {
  for (let i = 0; i < count; i += 25) await Promise.all(Array.from({ length: Math.min(25, count - i) }, (_, k) => hollowNode(i + k)));
  process.stdout.write('ready\n');
}

main().catch((e) => {
  process.stderr.write(`hollow: ${(e as Error).message}\n`);
  process.exit(1);
});
