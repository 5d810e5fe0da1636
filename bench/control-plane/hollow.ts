/**
 * Hollow nodes (kubemark-style): register like real workers, consume their
 * BullMQ doorbells, fetch their full assignment set and report every task
 * running at once, without Docker. One process hosts many nodes.
 *
 * The path is the real worker's (apps/worker/src/agent): a BullMQ Worker per
 * node on the node's queue, a full-set GET on a doorbell whose index is newer
 * than the set held, at most one sync running and one queued per node, task
 * reports batched per node (the Reporter's 20 ms), heartbeats every half
 * period, a full resync every 10 s. What is shared is only what costs the
 * benchmark and not the manager: one Redis connection for every node's
 * non-blocking commands (BullMQ still gives each Worker its own blocking one)
 * and one keep-alive HTTP agent.
 *
 * Every 2 s it prints `stats {...}` on stdout: doorbells, fetches, tasks and
 * bytes fetched, reports, and the time those calls took.
 * Usage (spawned by main.ts): node hollow.js MANAGER_URL TOKEN COUNT PREFIX
 */
import { Agent, request } from 'node:http';
import { Worker as BullWorker } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_PREFIX, nodeQueueName, type AssignmentSet, type HeartbeatResponse, type RegisterResponse, type TaskReport } from '@flotilla/contracts';
import { Reporter } from '../../apps/worker/src/agent/reporter';
import { HeartbeatLoop } from '../../apps/worker/src/agent/heartbeat-loop';
import { mergeAssignments } from '../../apps/worker/src/agent/merge-assignments';

const [managerUrl, token, countArg, prefix] = process.argv.slice(2);
const count = Number(countArg);
const RESYNC_MS = 10_000;
const REPORT_DELAY_MS = 20;

const stats = { rings: 0, ringsActedOn: 0, resyncs: 0, fetches: 0, fetchMs: 0, tasksFetched: 0, bytesFetched: 0, reportCalls: 0, reports: 0, reportMs: 0, heartbeats: 0, errors: 0, timeouts: 0, answered503: 0 };

/** Counts a failed call: a timeout (the manager did not answer in 15 s) or anything else. */
const seen = new Set<string>();
const failed = (e: unknown) => {
  const err = e as Error;
  if (err.name === 'TimeoutError') return void stats.timeouts++;
  stats.errors++;
  if ((err as Error & { status?: number }).status === 503) stats.answered503++;
  // The first few distinct failures, for the benchmark's log.
  const what = `${err.message} ${(err.cause as Error | undefined)?.message ?? ''}`.slice(0, 200);
  if (seen.size < 5 && !seen.has(what)) {
    seen.add(what);
    process.stderr.write(`hollow ${prefix}: ${what}\n`);
  }
};

/**
 * One HTTP call as the real ManagerClient makes it (same method, path, headers,
 * body, 15 s limit), on node:http with keep-alive rather than fetch: the same
 * bytes on the wire for less of the hollow process's CPU. Up to three sockets
 * per node, as a real worker may have a fetch, a report and a heartbeat open.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 3 * count });
const target = new URL(managerUrl);

function call<T>(method: string, path: string, secret: string | undefined, body?: unknown): Promise<{ value: T; bytes: number }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method,
        path,
        headers: {
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(secret ? { authorization: `Bearer ${secret}` } : {}),
        },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const t = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300) return reject(Object.assign(new Error(`${method} ${path}: ${res.statusCode} ${t.slice(0, 200)}`), { status: res.statusCode }));
          try {
            resolve({ value: (t ? JSON.parse(t) : undefined) as T, bytes: t.length });
          } catch (e) {
            reject(e as Error);
          }
        });
      },
    );
    req.on('timeout', () => {
      const e = new Error(`${method} ${path}: no answer in 15 s`);
      e.name = 'TimeoutError';
      req.destroy(e);
    });
    req.on('error', reject);
    req.end(payload);
  });
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
  const { value: reg } = await retry(() =>
    call<RegisterResponse>('POST', '/flotilla/v1/nodes/register', undefined, {
      token,
      role: 'worker',
      addr: '10.99.0.1',
      description: {
        Hostname: `${prefix}-${i}`,
        Platform: { Architecture: 'x86_64', OS: 'linux' },
        Resources: { NanoCPUs: 8e9, MemoryBytes: 32 * 1024 ** 3 },
        Engine: { EngineVersion: 'hollow' },
      },
    }),
  );
  const id = reg.nodeId;
  // The real worker's Reporter (latest report per task wins, one batch in flight, failures retried).
  const send = async (_node: string, reports: TaskReport[]) => {
    const t0 = performance.now();
    try {
      await call('POST', `/flotilla/v1/nodes/${id}/status`, reg.nodeSecret, { reports });
    } catch (e) {
      failed(e);
      throw e;
    }
    stats.reportCalls++;
    stats.reports += reports.length;
    stats.reportMs += performance.now() - t0;
  };
  const reporter = new Reporter({ report: send }, () => id, REPORT_DELAY_MS);
  let lastIndex = 0;
  let held: AssignmentSet | undefined;
  let syncing = false;
  let again = false;
  // The real worker's requestSync: at most one sync runs and at most one more is queued.
  const requestSync = () => {
    if (syncing) return void (again = true);
    syncing = true;
    void sync()
      .catch(failed)
      .finally(() => {
        syncing = false;
        if (again) {
          again = false;
          requestSync();
        }
      });
  };
  const sync = async () => {
    const t0 = performance.now();
    // As the real worker: a delta on the set held, the full set when the manager cannot send one.
    const fetch = async (since?: number) => {
      const r = await call<AssignmentSet>('GET', `/flotilla/v1/nodes/${id}/assignments${since === undefined ? '' : `?since=${since}`}`, reg.nodeSecret);
      stats.fetches++;
      stats.tasksFetched += r.value.tasks.length;
      stats.bytesFetched += r.bytes;
      return r.value;
    };
    const set = mergeAssignments(held, await fetch(held?.index)) ?? (await fetch());
    held = set;
    stats.fetchMs += performance.now() - t0;
    lastIndex = set.index;
    for (const t of set.tasks) {
      // Level-triggered like the real worker: whatever the store does not show yet is reported
      // (again, if a report was lost or is still on its way: repeats change nothing).
      if (t.DesiredState === 'running' && t.Status.State !== 'running') {
        reporter.push({ taskId: t.ID, state: 'running', message: 'started' });
      } else if (t.DesiredState !== 'running' && t.Status.State === 'running') {
        reporter.push({ taskId: t.ID, state: 'shutdown', message: 'shutdown' });
      }
    }
  };
  const w = new BullWorker(
    nodeQueueName(id),
    async (job) => {
      stats.rings++;
      if ((job.data as { index: number }).index <= lastIndex) return;
      stats.ringsActedOn++;
      requestSync();
    },
    { connection: connectionFor(reg.redisUrl), prefix: QUEUE_PREFIX, concurrency: 1 },
  );
  w.on('error', () => void stats.errors++);
  // Heartbeats as the real worker sends them (twice per period, at the period the manager last
  // gave), the first one spread over the period.
  const beats = new HeartbeatLoop(async () => {
    stats.heartbeats++;
    try {
      return (await call<HeartbeatResponse | undefined>('POST', `/flotilla/v1/nodes/${id}/heartbeat`, reg.nodeSecret)).value;
    } catch (e) {
      failed(e);
      throw e;
    }
  }, reg.heartbeatPeriodMs);
  setTimeout(() => beats.start(), Math.random() * (reg.heartbeatPeriodMs / 2)).unref();
  // The same safety net as a real worker: a full resync now and then, whatever the queue did.
  const resync = () => {
    stats.resyncs++;
    requestSync();
  };
  setTimeout(() => setInterval(resync, RESYNC_MS).unref(), Math.random() * RESYNC_MS).unref();
  requestSync();
}

/** Every node of this process shares one connection for BullMQ's non-blocking commands. */
let shared: Redis | undefined;
const connectionFor = (url: string) => (shared ??= new Redis(url, { maxRetriesPerRequest: null }));

async function main() {
  for (let i = 0; i < count; i += 25) await Promise.all(Array.from({ length: Math.min(25, count - i) }, (_, k) => hollowNode(i + k)));
  process.stdout.write('ready\n');
  setInterval(() => process.stdout.write(`stats ${JSON.stringify({ ...stats, fetchMs: Math.round(stats.fetchMs), reportMs: Math.round(stats.reportMs) })}\n`), 2000).unref();
  // Lives until the benchmark kills it; bounded all the same.
  setTimeout(() => process.exit(0), 3_600_000);
}

main().catch((e) => {
  process.stderr.write(`hollow: ${(e as Error).message}\n`);
  process.exit(1);
});
