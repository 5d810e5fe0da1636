/**
 * `npm run bench:raft`: three Raft processes on loopback, fsync on, 256-byte
 * writes to 10,000 keys through the leader. Prints one JSON line per
 * concurrency level {clients, commitsPerSec, p50Ms, p99Ms, ...}, one for a
 * paced 1,000 writes/s run, and one {electionMs} after SIGKILLing the leader.
 * The client is one lean process (JSON frames, a connection per member) and
 * reports its own CPU next to the servers' so the 2-core split is visible.
 * Usage: node dist/bench/raft/main.js [--seconds 5] [--levels 1,64,1024]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClusterClient } from './client';
import { ProcessCluster } from './procs';
import { exitOnHelp } from '../support/usage';

exitOnHelp(__filename);

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
}

function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100;
}

async function leaderOf(cluster: ProcessCluster, cli: ClusterClient): Promise<string> {
  for (;;) {
    for (const id of cluster.ids) {
      if (!cluster.pid(id)) continue;
      const s = await cli.once(id, { op: 'status' });
      if (s.ok && s.role === 'leader') return id;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function level(cluster: ProcessCluster, clients: number, seconds: number, ratePerSec = 0): Promise<Record<string, number>> {
  const cli = new ClusterClient(cluster.client, 10_000);
  const leader = await leaderOf(cluster, cli);
  cli.leader = leader;
  const value = 'v'.repeat(256);
  const lat: number[] = [];
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  const srv0 = cluster.ids.map((id) => cpuMs(cluster.pid(id)));
  const t0 = performance.now();
  const interval = ratePerSec > 0 ? (1000 * clients) / ratePerSec : 0;
  const loop = async (c: number): Promise<void> => {
    let seq = 0;
    let next = performance.now();
    while (performance.now() < end) {
      if (interval > 0) {
        next += interval;
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      seq++;
      const s = performance.now();
      const r = await cli.call({ op: 'put', client: `b${clients}.${c}`, seq, key: `key${(c * 7919 + seq) % 10_000}`, value });
      if (r.ok) {
        lat.push(performance.now() - s);
        done++;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => loop(c)));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const srv = cluster.ids.map((id, i) => Math.round(cpuMs(cluster.pid(id)) - srv0[i]));
  cli.close();
  return {
    clients,
    ...(ratePerSec > 0 ? { targetPerSec: ratePerSec } : {}),
    commitsPerSec: Math.round(done / secs),
    p50Ms: pct(lat, 50),
    p99Ms: pct(lat, 99),
    clientCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    leaderCpuMs: srv[cluster.ids.indexOf(leader)],
    followersCpuMs: srv.reduce((a, b) => a + b, 0) - srv[cluster.ids.indexOf(leader)],
    wallMs: Math.round(secs * 1000),
  };
}

async function election(cluster: ProcessCluster): Promise<Record<string, number>> {
  const cli = new ClusterClient(cluster.client, 300);
  const old = await leaderOf(cluster, cli);
  await cluster.kill(old);
  const t0 = performance.now();
  const others = cluster.ids.filter((x) => x !== old);
  let seq = 0;
  for (;;) {
    for (const id of others) {
      const r = await cli.once(id, { op: 'put', client: 'elect', seq: ++seq, key: 'e', value: 'x' });
      if (r.ok) {
        const electionMs = Math.round(performance.now() - t0);
        cli.close();
        return { electionMs };
      }
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '5'));
  const levels = arg('levels', '1,64,1024').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'raft-bench-'));
  const cluster = new ProcessCluster(['a', 'b', 'c'], dir, join(__dirname, 'server.js'), ['--fsync', arg('fsync', '1')]);
  try {
    await cluster.init();
    await Promise.all(cluster.ids.map((id) => cluster.start(id)));
    for (const c of levels) console.log(JSON.stringify(await level(cluster, c, seconds)));
    console.log(JSON.stringify(await level(cluster, 64, seconds, 1000)));
    console.log(JSON.stringify(await election(cluster)));
  } finally {
    await cluster.stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
