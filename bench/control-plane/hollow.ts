/**
 * Hollow nodes (kubemark-style): register like real workers, consume their
 * BullMQ doorbells, fetch their full assignment set and report every task
 * running at once, without Docker. One process hosts many nodes.
 *
 * The path is the real worker's (apps/worker/src/agent): a BullMQ Worker per
 * node on the node's queue, a full-set GET on a doorbell whose index is newer
 * than the set held, at most one sync running and one queued per node, task
 * reports batched per node (the Reporter's 20 ms), heartbeats every half
 * period, a resync every 10 s (or every heartbeat period, when the manager
 * stretched it). What is shared is only what costs the benchmark and not the
 * manager: one Redis connection for every node's non-blocking commands (BullMQ
 * still gives each Worker its own blocking one) and one keep-alive HTTP agent.
 *
 * Every 2 s it prints `stats {...}` on stdout: doorbells, fetches, tasks and
 * bytes fetched, reports, and the time those calls took.
 * Usage (spawned by main.ts): node hollow.js MANAGER_URL TOKEN COUNT PREFIX
 */
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker as BullWorker } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_PREFIX, nodeQueueName, type AssignmentSet, type HeartbeatResponse, type RegisterResponse, type TaskReport } from '@flotilla/contracts';
import { Reporter } from '../../apps/worker/src/agent/reporter';
import { HeartbeatLoop } from '../../apps/worker/src/agent/heartbeat-loop';
import { mergeAssignments } from '../../apps/worker/src/agent/merge-assignments';
import { resyncGap } from '../../apps/worker/src/agent/resync-gap';
import { fetchRetryDelay } from '../../apps/worker/src/agent/fetch-retry';

const [managerUrl, token, countArg, prefix] = process.argv.slice(2);
const count = Number(countArg);
const RESYNC_MS = 10_000;
const REPORT_DELAY_MS = 20;

const stats = {
  rings: 0,
  ringsActedOn: 0,
  resyncs: 0,
  fetches: 0,
  fetchMs: 0,
  tasksFetched: 0,
  bytesFetched: 0,
  reportCalls: 0,
  reports: 0,
  reportMs: 0,
  heartbeats: 0,
  errors: 0,
  timeouts: 0,
  answered503: 0,
  // Which calls failed, and how: where a timeout or a reset comes from.
  timeoutsFetch: 0,
  timeoutsReport: 0,
  timeoutsBeat: 0,
  resets: 0,
  timeoutsConnecting: 0,
  timeoutsReused: 0,
  freshSockets: 0,
  closedByManager: 0,
  // Every call: time to get a socket, and to the answer's first byte.
  calls: 0,
  socketWaitMs: 0,
  firstByteMs: 0,
};
type CallKind = 'fetch' | 'report' | 'beat';
const TIMEOUT_KEY = { fetch: 'timeoutsFetch', report: 'timeoutsReport', beat: 'timeoutsBeat' } as const;

/** Counts a failed call: a timeout (the manager did not answer in 15 s) or anything else. */
const seen = new Set<string>();
const failed = (e: unknown, kind?: CallKind) => {
  const err = e as Error;
  if (err.name === 'TimeoutError') {
    if (kind) stats[TIMEOUT_KEY[kind]]++;
    return void stats.timeouts++;
  }
  stats.errors++;
  if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') stats.resets++;
  if ((err as Error & { status?: number }).status === 503) stats.answered503++;
  // The first few distinct failures, for the benchmark's log.
  const what = `${err.message} ${(err.cause as Error | undefined)?.message ?? ''}`.slice(0, 200);
  if (seen.size < 5 && !seen.has(what)) {
    seen.add(what);
    process.stderr.write(`hollow ${prefix}: ${what}\n`);
  }
};

const seenSockets = new WeakSet<object>();

/** Connections each node keeps to the manager: a fetch, a report and a beat at once, as a real worker may have. */
const SOCKETS_PER_NODE = 3;

/**
 * One HTTP call as the real ManagerClient makes it (same method, path, headers,
 * body, 15 s limit), on node:http with keep-alive rather than fetch: the same
 * bytes on the wire for less of the hollow process's CPU. Each node has its own
 * agent, as each real worker has its own connections, opened while it joins and
 * kept: a manager busy with a thousand nodes' calls accepts new connections slowly
 * (one per turn of its event loop), so a shared pool that opened sockets on demand
 * queued its calls behind the accept queue until they timed out.
 */
const target = new URL(managerUrl);

function call<T>(agent: Agent, method: string, path: string, secret: string | undefined, body?: unknown): Promise<{ value: T; bytes: number }> {
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
      // Still connecting (the manager never accepted), on a fresh connection, or on a reused one.
      const sock = req.socket;
      if (sock?.connecting) stats.timeoutsConnecting++;
      else if (reused) stats.timeoutsReused++;
      const e = new Error(`${method} ${path}: no answer in 15 s`);
      e.name = 'TimeoutError';
      req.destroy(e);
    });
    req.on('error', reject);
    const t0 = performance.now();
    let reused = false;
    req.once('socket', (sock) => {
      reused = req.reusedSocket;
      // A request queued in the agent gets a kept socket without `reusedSocket`: count sockets, not flags.
      if (!seenSockets.has(sock)) {
        seenSockets.add(sock);
        stats.freshSockets++;
        sock.once('end', () => stats.closedByManager++);
      }
      stats.socketWaitMs += performance.now() - t0;
      const first = () => (stats.firstByteMs += performance.now() - t0);
      sock.once('data', first);
      req.once('response', () => sock.off('data', first));
    });
    stats.calls++;
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
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS_PER_NODE });
  const { value: reg } = await retry(() =>
    call<RegisterResponse>(agent, 'POST', '/flotilla/v1/nodes/register', undefined, {
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
  // Its connections opened now, while joining (as many beats at once).
  await Promise.all(Array.from({ length: SOCKETS_PER_NODE }, () => retry(() => call(agent, 'POST', `/flotilla/v1/nodes/${id}/heartbeat`, reg.nodeSecret))));
  // The real worker's Reporter (latest report per task wins, one batch in flight, failures retried).
  const send = async (_node: string, reports: TaskReport[]) => {
    const t0 = performance.now();
    try {
      await call(agent, 'POST', `/flotilla/v1/nodes/${id}/status`, reg.nodeSecret, { reports });
    } catch (e) {
      failed(e, 'report');
      throw e;
    }
    stats.reportCalls++;
    // As the real worker's client: an answered call stands in for the beat due next.
    beats.heard();
    stats.reports += reports.length;
    stats.reportMs += performance.now() - t0;
  };
  const reporter = new Reporter({ report: send }, () => id, REPORT_DELAY_MS);
  let lastIndex = 0;
  let held: AssignmentSet | undefined;
  let syncing = false;
  let again = false;
  // The real worker's requestSync: at most one sync runs and at most one more is queued.
  // As the real worker: a failed fetch is tried again after a backoff, not only at the next resync.
  let fetchFailures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  const requestSync = () => {
    if (syncing) return void (again = true);
    syncing = true;
    void sync()
      .then(() => {
        fetchFailures = 0;
        clearTimeout(retryTimer);
        retryTimer = undefined;
      })
      .catch((e) => {
        failed(e, 'fetch');
        fetchFailures++;
        retryTimer ??= setTimeout(() => {
          retryTimer = undefined;
          requestSync();
        }, fetchRetryDelay(fetchFailures, Math.random())).unref();
      })
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
      const r = await call<AssignmentSet>(agent, 'GET', `/flotilla/v1/nodes/${id}/assignments${since === undefined ? '' : `?since=${since}`}`, reg.nodeSecret);
      beats.heard();
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
      return (await call<HeartbeatResponse | undefined>(agent, 'POST', `/flotilla/v1/nodes/${id}/heartbeat`, reg.nodeSecret)).value;
    } catch (e) {
      failed(e, 'beat');
      throw e;
    }
  }, reg.heartbeatPeriodMs);
  setTimeout(() => beats.start(), Math.random() * (reg.heartbeatPeriodMs / 2)).unref();
  // The same safety net as a real worker: a full resync now and then, whatever the queue did.
  const resync = () => {
    stats.resyncs++;
    requestSync();
  };
  // At the real worker's gap: the heartbeat period when the cluster's size stretched it (resyncGap).
  function resyncLater(): void {
    setTimeout(() => {
      resync();
      resyncLater();
    }, resyncGap(RESYNC_MS, beats.period)).unref();
  }
  setTimeout(resyncLater, Math.random() * resyncGap(RESYNC_MS, beats.period)).unref();
  requestSync();
}

/** Every node of this process shares one connection for BullMQ's non-blocking commands. */
let shared: Redis | undefined;
const connectionFor = (url: string) => (shared ??= new Redis(url, { maxRetriesPerRequest: null }));

async function main() {
  for (let i = 0; i < count; i += 25) await Promise.all(Array.from({ length: Math.min(25, count - i) }, (_, k) => hollowNode(i + k)));
  process.stdout.write('ready\n');
  // This process's own event-loop delay: time a call waited here, not in the manager.
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  setInterval(() => {
    const loop = { hollowLagP99Ms: Math.round(lag.percentile(99) / 1e6), hollowLagMaxMs: Math.round(lag.max / 1e6) };
    process.stdout.write(`stats ${JSON.stringify({ ...stats, fetchMs: Math.round(stats.fetchMs), reportMs: Math.round(stats.reportMs), socketWaitMs: Math.round(stats.socketWaitMs), firstByteMs: Math.round(stats.firstByteMs), ...loop })}\n`);
  }, 2000).unref();
  // An orderly exit on SIGTERM, so a --cpu-prof profile is written.
  process.on('SIGTERM', () => process.exit(0));
  // Lives until the benchmark kills it; bounded all the same.
  setTimeout(() => process.exit(0), 3_600_000);
}

main().catch((e) => {
  process.stderr.write(`hollow: ${(e as Error).message}\n`);
  process.exit(1);
});
