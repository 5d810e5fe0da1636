/**
 * Real containers on one host: `service scale 0 -> N` until N containers run,
 * then N -> 0 until none, for flotilla (through its Docker-compatible API, with
 * the stock docker CLI) next to Docker Swarm and the raw engine limit, in one
 * run. Prints one JSON line per side and one with the ratios.
 * Usage: node dist/bench/scale/main.js [--count 50]
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, startManager } from '../support/manager';

const run = promisify(execFile);
const PEERS = resolve(ROOT, '..', 'shared', 'peers');
const IMAGE = 'flotilla/busybox:latest';
const CMD = ['sh', '-c', 'trap "exit 0" TERM; sleep 100000 & wait'];

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function running(label: string): Promise<number> {
  const { stdout } = await run('docker', ['ps', '-q', '--filter', `label=${label}`], { env: { ...process.env, DOCKER_HOST: '' } });
  return stdout.trim() ? stdout.trim().split('\n').length : 0;
}

async function until(label: string, pred: (n: number) => boolean): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (!pred(await running(label))) {
    if (Date.now() > deadline) throw new Error(`timed out on ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}


async function flotilla(count: number) {
  const manager = await startManager();
  const env = { ...process.env, DOCKER_HOST: `tcp://127.0.0.1:${manager.port}` };
  const svc = `benchscale${process.pid}`;
  const label = `com.docker.swarm.service.name=${svc}`;
  try {
    await run('docker', ['service', 'create', '-d', '--name', svc, '--replicas', '0', IMAGE, ...CMD], { env });
    const t0 = performance.now();
    await run('docker', ['service', 'scale', '-d', `${svc}=${count}`], { env });
    await until(label, (n) => n >= count);
    const t1 = performance.now();
    await run('docker', ['service', 'scale', '-d', `${svc}=0`], { env });
    await until(label, (n) => n === 0);
    const t2 = performance.now();
    await run('docker', ['service', 'rm', svc], { env });
    return { peer: 'flotilla', count, startSeconds: +((t1 - t0) / 1000).toFixed(3), stopSeconds: +((t2 - t1) / 1000).toFixed(3) };
  } finally {
    await manager.stop();
  }
}

async function peer(cmd: string, args: string[]) {
  const { stdout } = await run(cmd, args, { env: { ...process.env, DOCKER_HOST: '' }, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { startSeconds: number; stopSeconds: number };
}

async function main() {
  const count = arg('count', 50);
  const f = await flotilla(count);
  console.log(JSON.stringify(f));
  const raw = await peer('python3', [join(PEERS, 'raw-engine.py'), '--count', String(count), '--image', IMAGE]);
  console.log(JSON.stringify(raw));
  const swarm = await peer('bash', [join(PEERS, 'swarm-scale.sh'), String(count), IMAGE]);
  console.log(JSON.stringify(swarm));
  const r = (a: number, b: number) => +(a / b).toFixed(2);
  console.log(
    JSON.stringify({
      count,
      startVsSwarm: r(f.startSeconds, swarm.startSeconds),
      startVsRawLimit: r(f.startSeconds, raw.startSeconds),
      stopVsSwarm: r(f.stopSeconds, swarm.stopSeconds),
      stopVsRawLimit: r(f.stopSeconds, raw.stopSeconds),
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
