/**
 * The control plane at scale with hollow nodes: one manager (the Raft-replicated
 * three come with libs/raft), N hollow nodes, one service of T replicas; time
 * from `service create` until every task is running in the store, tasks/s,
 * scheduling latency (created -> assigned) percentiles, manager RSS.
 * Usage: node dist/bench/control-plane/main.js [--nodes 1000] [--tasks 100000] [--procs 4]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startManager, waitLine } from '../support/manager';
import type { Task } from '@flotilla/contracts';

const arg = (n: string, d: number) => {
  const i = process.argv.indexOf(`--${n}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};


function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}


async function main() {
  const nodes = arg('nodes', 1000);
  const tasks = arg('tasks', 100_000);
  const procs = arg('procs', 4);
  const prof = process.env.FLOTILLA_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FLOTILLA_BENCH_CPU_PROF}`] : [];
  const m = await startManager({ args: ['--no-worker'], nodeArgs: [...prof, '--max-old-space-size=4096'] });
  const { url, child: manager } = m;
  const log: string[] = [];
  manager.stdout!.on('data', (d: Buffer) => {
    for (const l of d.toString().split('\n')) if ((/"level":"(warn|error)"/.test(l) || l.includes('node state')) && log.length < 20) log.push(l.slice(0, 300));
  });
  const hollows: ChildProcess[] = [];
  try {
    const token = ((await (await fetch(`${url}/v1.41/swarm`)).json()) as { JoinTokens: { Worker: string } }).JoinTokens.Worker;
    const t0 = performance.now();
    for (let p = 0; p < procs; p++) {
      const n = Math.floor(nodes / procs) + (p < nodes % procs ? 1 : 0);
      const h = spawn(process.execPath, [join(ROOT, 'dist/bench/control-plane/hollow.js'), url, token, String(n), `hollow${p}`], { stdio: ['ignore', 'pipe', 'inherit'] });
      hollows.push(h);
    }
    await Promise.all(hollows.map((h) => waitLine(h, 'ready')));
    const joinedMs = performance.now() - t0;
    process.stderr.write(`  ${nodes} hollow nodes joined in ${(joinedMs / 1000).toFixed(1)} s\n`);

    const c0 = performance.now();
    const create = await fetch(`${url}/v1.41/services/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'hollow', TaskTemplate: { ContainerSpec: { Image: 'hollow' } }, Mode: { Replicated: { Replicas: tasks } } }),
    });
    if (!create.ok) throw new Error(await create.text());
    let peakRss = 0;
    let running = 0;
    const deadline = Date.now() + 600_000;
    while (running < tasks) {
      if (Date.now() > deadline) throw new Error(`only ${running} of ${tasks} running after 600 s`);
      await new Promise((r) => setTimeout(r, 500));
      peakRss = Math.max(peakRss, rssMiB(manager.pid!));
      const svc = ((await (await fetch(`${url}/v1.41/services?status=true`)).json()) as { ServiceStatus: { RunningTasks: number } }[])[0];
      running = svc.ServiceStatus.RunningTasks;
      if (Math.round(performance.now() - c0) % 10_000 < 500) process.stderr.write(`  ${running}/${tasks} running, manager ${peakRss} MiB\n`);
    }
    const allMs = performance.now() - c0;
    const all = (await (await fetch(`${url}/v1.41/tasks`)).json()) as Task[];
    // Scheduling latency: created -> assigned is not kept per transition; UpdatedAt at "running" bounds end to end.
    const lat = all.map((t) => Date.parse(t.Status.Timestamp) - Date.parse(t.CreatedAt)).sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
    console.log(
      JSON.stringify({
        managers: 1,
        nodes,
        tasks,
        joinSeconds: +(joinedMs / 1000).toFixed(2),
        createToAllRunningSeconds: +(allMs / 1000).toFixed(2),
        tasksPerSec: Math.round(tasks / (allMs / 1000)),
        createdToRunningP50Ms: pct(50),
        createdToRunningP99Ms: pct(99),
        managerPeakRssMiB: peakRss,
      }),
    );
  } finally {
    if (log.length) process.stderr.write(`manager warnings:\n${log.join('\n')}\n`);
    for (const h of hollows) h.kill('SIGKILL');
    await m.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
