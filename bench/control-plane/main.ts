/**
 * The control plane at scale with hollow nodes: M managers (Raft over loopback;
 * the hollow nodes join the first, which forwards to the leader when it is not
 * one), N hollow nodes, one service of T replicas; time from `service create`
 * until every task is running in the store, tasks/s, created -> running
 * percentiles, peak RSS of each manager.
 * Usage: node dist/bench/control-plane/main.js [--managers 1] [--nodes 1000] [--tasks 100000] [--procs 4] [--timeout 600] [--hollow-nice 19] [--cpu-prof DIR]
 * The hollow nodes stand for other machines, and are the load, not what is measured: they run at nice
 * `--hollow-nice` (19; 0 for the managers' own priority), so that on this 2-core machine they take
 * the cores the managers leave idle instead of a quarter of the run's CPU from under them.
 * The run has a Redis of its own; it prints CPU seconds per process kind, the
 * managers' event-loop delay and Redis's busiest commands for the measured phase,
 * the leader changes and 503 answers seen, and the bytes the hollow nodes fetched
 * against the serialised size of the tasks they run.
 * `--cpu-prof DIR` (or FLOTILLA_BENCH_CPU_PROF=DIR) writes a V8 CPU profile of every manager and hollow process there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startManager, waitLine, type BenchManager } from '../support/manager';
import { startRedis, type BenchRedis } from '../support/redis';
import { cpuSeconds } from '../support/proc';
import type { Task } from '@flotilla/contracts';
import { exitOnHelp } from '../support/usage';

exitOnHelp(__filename);

const strArg = (n: string): string | undefined => {
  const i = process.argv.indexOf(`--${n}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const arg = (n: string, d: number) => {
  const i = process.argv.indexOf(`--${n}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};


function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}


const LAG_PROBE = join(ROOT, 'dist/bench/support/lag-probe.js');
/** How often the measured phase asks the leader how many tasks run. */
const POLL_MS = 200;

function readLag(file: string): { p50: number; p99: number; max: number } | undefined {
  try {
    const { p50, p99, max } = JSON.parse(readFileSync(file, 'utf8')) as { p50: number; p99: number; max: number };
    return { p50, p99, max };
  } catch {
    return undefined;
  }
}


async function main() {
  const nodes = arg('nodes', 1000);
  const tasks = arg('tasks', 100_000);
  const procs = arg('procs', 4);
  const hollowNice = arg('hollow-nice', 19);
  if (!Number.isInteger(hollowNice) || hollowNice < 0 || hollowNice > 19) throw new Error(`--hollow-nice takes 0 to 19, not ${process.argv[process.argv.indexOf('--hollow-nice') + 1]}`);
  const managerCount = arg('managers', 1);
  const timeoutS = arg('timeout', 600);
  const profDir = strArg('cpu-prof') ?? process.env.FLOTILLA_BENCH_CPU_PROF;
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  // A Redis of our own: other runs on the machine share neither its queues nor its numbers.
  const redis = await startRedis();
  const scratch = mkdtempSync(join(tmpdir(), 'flotilla-bench-cp-'));
  try {
    await run({ nodes, tasks, procs, hollowNice, managerCount, timeoutS, prof }, redis, scratch);
  } finally {
    await redis.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function run(
  o: { nodes: number; tasks: number; procs: number; hollowNice: number; managerCount: number; timeoutS: number; prof: string[] },
  redis: BenchRedis,
  scratch: string,
) {
  const { nodes, tasks, procs, hollowNice, managerCount, timeoutS, prof } = o;
  const lagFiles: string[] = [];
  const managerOpts = (extra: string[], i: number) => {
    const lagFile = join(scratch, `lag-${i}.json`);
    lagFiles.push(lagFile);
    return {
      args: ['--no-worker', '--redis-url', redis.url, ...extra],
      nodeArgs: [...prof, '-r', LAG_PROBE, '--max-old-space-size=4096'],
      env: { ...process.env, FLOTILLA_BENCH_LAG_FILE: lagFile },
    };
  };
  // Every (term, leader) any manager logs once the measured phase began: more than one is a leader change.
  let measuring = false;
  const leaders = new Set<string>();
  let firstLeader: string | undefined;
  const watchLeader = (b: BenchManager) => {
    let buf = '';
    b.child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (!l.includes('"raft leader"')) continue;
        const { leader, term } = JSON.parse(l) as { leader: string | null; term: number };
        if (!leader) continue;
        if (measuring) leaders.add(`${term}/${leader}`);
        else firstLeader = `${term}/${leader}`;
      }
    });
  };
  const m = await startManager(managerOpts([], 0));
  watchLeader(m);
  const { url, child: manager } = m;
  const others: BenchManager[] = [];
  const log: string[] = [];
  manager.stdout!.on('data', (d: Buffer) => {
    for (const l of d.toString().split('\n')) if ((/"level":"(warn|error)"/.test(l) || l.includes('node state')) && log.length < 20) log.push(l.slice(0, 300));
  });
  const hollows: ChildProcess[] = [];
  const hollowStats: Record<string, number>[] = [];
  const sumStats = () => {
    const out: Record<string, number> = {};
    for (const st of hollowStats) for (const [k, v] of Object.entries(st ?? {})) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  try {
    if (managerCount > 1) {
      const mtoken = ((await (await fetch(`${url}/v1.41/swarm`)).json()) as { JoinTokens: { Manager: string } }).JoinTokens.Manager;
      for (let i = 1; i < managerCount; i++) {
        others.push(await startManager(managerOpts(['--join', `127.0.0.1:${m.port}`, '--token', mtoken], i)));
        watchLeader(others[others.length - 1]);
      }
    }
    const pids = [manager.pid!, ...others.map((o) => o.child.pid!)];
    const token = ((await (await fetch(`${url}/v1.41/swarm`)).json()) as { JoinTokens: { Worker: string } }).JoinTokens.Worker;
    const t0 = performance.now();
    for (let p = 0; p < procs; p++) {
      const n = Math.floor(nodes / procs) + (p < nodes % procs ? 1 : 0);
      // Through nice(1), which execs node: every thread (V8's, libuv's) starts at that priority.
      const h = spawn('nice', ['-n', String(hollowNice), process.execPath, ...prof, join(ROOT, 'dist/bench/control-plane/hollow.js'), url, token, String(n), `hollow${p}`], { stdio: ['ignore', 'pipe', 'inherit'] });
      hollows.push(h);
      let buf = '';
      h.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) if (l.startsWith('stats ')) hollowStats[p] = JSON.parse(l.slice(6)) as Record<string, number>;
      });
    }
    await Promise.all(hollows.map((h) => waitLine(h, 'ready')));
    const joinedMs = performance.now() - t0;
    process.stderr.write(`  ${nodes} hollow nodes joined in ${(joinedMs / 1000).toFixed(1)} s\n`);

    const hollowPids = hollows.map((h) => h.pid!);
    const sumCpu = (ps: number[]) => ps.reduce((a, p) => a + cpuSeconds(p), 0);
    const cpu0 = { managers: pids.map(cpuSeconds), hollows: sumCpu(hollowPids), redis: cpuSeconds(redis.child.pid!) };
    const redis0 = await redis.stats();
    const hs0 = sumStats();
    for (const p of pids) process.kill(p, 'SIGUSR2');
    measuring = true;
    const c0 = performance.now();
    const createdAtWall = Date.now();
    const create = await fetch(`${url}/v1.41/services/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'hollow', TaskTemplate: { ContainerSpec: { Image: 'hollow' } }, Mode: { Replicated: { Replicas: tasks } } }),
    });
    if (!create.ok) throw new Error(await create.text());
    const peaks = pids.map(() => 0);
    let unavailable = 0;
    let pollErrors = 0;
    let running = 0;
    const deadline = Date.now() + timeoutS * 1000;
    let lastLine = 0;
    while (running < tasks) {
      if (Date.now() > deadline) {
        const lag = readLag(lagFiles[0]);
        throw new Error(`only ${running} of ${tasks} running after ${timeoutS} s (manager loop lag ${JSON.stringify(lag)}, cpu ${pids.map(cpuSeconds).join('/')} s)`);
      }
      // Every 200 ms: polled each second, the figure was the run time rounded up to the next poll
      // (runs of 9.2 s and 9.4 s read 9.2 and 10.2 s). A poll reads the service's kept counts: cheap.
      await new Promise((r) => setTimeout(r, POLL_MS));
      pids.forEach((p, i) => (peaks[i] = Math.max(peaks[i], rssMiB(p))));
      // A leader election under load answers 503 for a moment, an overloaded manager may drop the
      // connection: count either, keep polling.
      const res = await fetch(`${url}/v1.41/services?status=true`).catch(() => undefined);
      if (!res) {
        pollErrors++;
        continue;
      }
      if (!res.ok) {
        unavailable++;
        continue;
      }
      const svc = ((await res.json()) as { ServiceStatus: { RunningTasks: number } }[])[0];
      running = svc.ServiceStatus.RunningTasks;
      if (performance.now() - lastLine > 5000) {
        lastLine = performance.now();
        const s = ((lastLine - c0) / 1000).toFixed(0);
        process.stderr.write(
          `  ${s} s: ${running}/${tasks} running, managers ${peaks.join('/')} MiB, cpu manager ${pids.map((p, i) => (cpuSeconds(p) - cpu0.managers[i]).toFixed(1)).join('/')} s, hollow ${(sumCpu(hollowPids) - cpu0.hollows).toFixed(1)} s, lag ${JSON.stringify(readLag(lagFiles[0]))}\n`,
        );
      }
    }
    const allMs = performance.now() - c0;
    // Read before the scrape below: on a 100k-task leader one /metrics answer holds the loop ~80 ms,
    // the bench's own doing after the measured phase.
    const lags = lagFiles.map(readLag);
    // The leader's own timing of the node calls (from the request read to the answer sent): set
    // against the hollow nodes' figures, it tells time spent in the leader from time spent queued.
    const metricsText = await (await fetch(`${url}/metrics`)).text();
    const serverSide = nodeCallTimes(metricsText);
    const leaderTimes = histogramMeans(metricsText, ['flotilla_raft_proposal_duration_seconds', 'flotilla_raft_wal_fsync_duration_seconds', 'flotilla_orchestrator_pass_duration_seconds']);
    const cpu1 = { managers: pids.map(cpuSeconds), hollows: sumCpu(hollowPids), redis: cpuSeconds(redis.child.pid!) };
    const redis1 = await redis.stats();
    // The hollow nodes print their counters every 2 s: the last lines are at most that old.
    await new Promise((r) => setTimeout(r, 2100));
    const hs1 = sumStats();
    const hollow = Object.fromEntries(Object.keys(hs1).map((k) => [k, hs1[k] - (hs0[k] ?? 0)]));
    const all = (await (await fetch(`${url}/v1.41/tasks`)).json()) as Task[];
    // Created -> running (the status timestamp once running), end to end.
    const lat = all.map((t) => Date.parse(t.Status.Timestamp) - Date.parse(t.CreatedAt)).sort((a, b) => a - b);
    // When the last task was created and the first and last ran, from the create call: where the time went.
    const created = all.map((t) => Date.parse(t.CreatedAt));
    const ran = all.map((t) => Date.parse(t.Status.Timestamp));
    const since = (ms: number) => Math.round(ms - createdAtWall);
    // What the hollow nodes' tasks weigh as JSON: the floor any assignment protocol must send.
    const taskBytes = all.reduce((a, t) => a + JSON.stringify(t).length, 0);
    if (firstLeader) leaders.delete(firstLeader);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
    // Scheduling latency, from the create call: every task here fits (no constraints, room on every
    // node), so the orchestrator placed each in the pass that made it and its CreatedAt is its assignment time.
    const sched = all.map((t) => Date.parse(t.CreatedAt) - createdAtWall).sort((a, b) => a - b);
    const spct = (p: number) => sched[Math.min(sched.length - 1, Math.floor((p / 100) * sched.length))];
    console.log(
      JSON.stringify({
        managers: managerCount,
        nodes,
        tasks,
        joinSeconds: +(joinedMs / 1000).toFixed(2),
        createToAllRunningSeconds: +(allMs / 1000).toFixed(2),
        tasksPerSec: Math.round(tasks / (allMs / 1000)),
        createCallToAssignedP50Ms: spct(50),
        createCallToAssignedP99Ms: spct(99),
        createdToRunningP50Ms: pct(50),
        createdToRunningP99Ms: pct(99),
        lastCreatedMs: since(created.reduce((a, b) => Math.max(a, b), 0)),
        firstRunningMs: since(ran.reduce((a, b) => Math.min(a, b), Infinity)),
        halfRunningMs: since(ran.sort((a, b) => a - b)[Math.floor(ran.length / 2)]),
        // The store's own time of the last task to run: the polled figure above without the poll's granularity.
        lastRunningMs: since(ran[ran.length - 1]),
        managerPeakRssMiB: peaks,
        pollsAnswered503: unavailable,
        pollsFailed: pollErrors,
        // New (term, leader) pairs logged by any manager after the create call.
        leaderChanges: leaders.size,
        hollowNice,
        fetchedBytesPerTaskByte: +(hollow.bytesFetched / Math.max(1, taskBytes)).toFixed(2),
        // CPU seconds used while the tasks came up: who spent the box's two cores.
        cpuSeconds: {
          managers: cpu1.managers.map((c, i) => +(c - cpu0.managers[i]).toFixed(1)),
          hollows: +(cpu1.hollows - cpu0.hollows).toFixed(1),
          redis: +(cpu1.redis - cpu0.redis).toFixed(1),
        },
        managerLoopLagMs: lags,
        leaderNodeCalls: serverSide,
        // The leader's proposals (made there, until applied there), WAL syncs and control passes.
        leaderTimes,
        hollow: {
          ...hollow,
          fetchMsAvg: Math.round(hollow.fetchMs / Math.max(1, hollow.fetches)),
          tasksPerFetch: Math.round(hollow.tasksFetched / Math.max(1, hollow.fetches)),
          reportMsAvg: Math.round(hollow.reportMs / Math.max(1, hollow.reportCalls)),
        },
        redis: {
          clients: redis1.connectedClients,
          blocked: redis1.blockedClients,
          commands: redis1.totalCommands - redis0.totalCommands,
          memoryMiB: redis1.usedMemoryMiB,
          top: redis1.top.map((t) => `${t.cmd}:${t.calls}/${(t.usec / 1e6).toFixed(1)}s`),
        },
      }),
    );
  } finally {
    if (log.length) process.stderr.write(`manager warnings:\n${log.join('\n')}\n`);
    // SIGTERM first: a hollow process exits on it, writing its CPU profile when asked for one.
    await Promise.all(
      hollows.map(
        (h) =>
          new Promise<void>((done) => {
            if (h.exitCode !== null) return done();
            const kill = setTimeout(() => h.kill('SIGKILL'), 10_000);
            h.once('exit', () => (clearTimeout(kill), done()));
            h.kill('SIGTERM');
          }),
      ),
    );
    for (const o of others) await o.stop();
    await m.stop();
  }
}

/** Count, mean and total of each named histogram over all its labels (whole life of the manager). */
function histogramMeans(metrics: string, names: string[]): Record<string, { count: number; meanMs: number; totalS: number }> {
  const out: Record<string, { count: number; meanMs: number; totalS: number }> = {};
  for (const n of names) {
    let sum = 0;
    let count = 0;
    for (const m of metrics.matchAll(new RegExp(`^${n}_(sum|count)(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) {
      if (m[1] === 'sum') sum += Number(m[2]);
      else count += Number(m[2]);
    }
    out[n.replace(/^flotilla_/, '').replace(/_duration_seconds$/, '')] = { count, meanMs: Math.round((1000 * sum) / Math.max(1, count)), totalS: +sum.toFixed(1) };
  }
  return out;
}

/** Per node route: calls answered, their mean and how many took over 1 s and 5 s, from the manager's histogram. */
function nodeCallTimes(metrics: string): Record<string, { calls: number; meanMs: number; over1s: number; over5s: number }> {
  const out: Record<string, { calls: number; meanMs: number; over1s: number; over5s: number; sum: number; le1: number; le5: number }> = {};
  const re = /^flotilla_api_request_duration_seconds_(bucket|sum|count)\{([^}]*)\} (\S+)$/gm;
  for (const m of metrics.matchAll(re)) {
    const labels = m[2];
    const route = /route="([^"]*)"/.exec(labels)?.[1] ?? '';
    if (!/assignments|status|heartbeat/.test(route) || !/status="2/.test(labels)) continue;
    const key = /(assignments|status|heartbeat)/.exec(route)![1];
    const r = (out[key] ??= { calls: 0, meanMs: 0, over1s: 0, over5s: 0, sum: 0, le1: 0, le5: 0 });
    const v = Number(m[3]);
    if (m[1] === 'count') r.calls += v;
    else if (m[1] === 'sum') r.sum += v;
    else if (/le="1"/.test(labels)) r.le1 += v;
    else if (/le="5"/.test(labels)) r.le5 += v;
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, r]) => [k, { calls: r.calls, meanMs: Math.round((1000 * r.sum) / Math.max(1, r.calls)), over1s: r.calls - r.le1, over5s: r.calls - r.le5 }]),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
