/**
 * Getting a 10 MB image (FROM scratch: 10 MB of random data and a static
 * busybox to run) from the host it was built on onto 2 other hosts (network
 * namespaces with their own dockerd, test/cluster/hosts.sh), no registry:
 * flotilla ships it when a global service's tasks land there (`docker service
 * create` against flotilla's API -> the image present under the built ID on
 * both), next to the peer a Swarm user
 * without a registry runs by hand, `docker save | docker -H host load` to both
 * hosts at once. Prints one JSON line per side per round and one with the medians and ratio.
 * Usage (root): node dist/bench/image-ship/main.js [--rounds 3]
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, freePort } from '../support/manager';
import { exitOnHelp } from '../support/usage';

exitOnHelp(__filename);

const run = promisify(execFile);
const SET = { HOSTS_PREFIX: 'chb', HOSTS_NET: '10.242.0', HOSTS_BRIDGE: 'chbbr0', HOSTS_STATE: '/var/lib/chb' };
const HOSTS_SH = join(ROOT, 'test', 'cluster', 'hosts.sh');
const CLI = join(ROOT, 'bin', 'flotilla.js');
const IMAGE = `benchship${process.pid}:10m`;

interface Host {
  name: string;
  ip: string;
  dockerHost: string;
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

const hostsSh = (verb: string, ...rest: string[]) => run('bash', [HOSTS_SH, verb, ...rest], { env: { ...process.env, ...SET }, timeout: 180_000 });
const dockerOn = (h: Host, ...args: string[]) => run('docker', args, { env: { ...process.env, DOCKER_HOST: h.dockerHost }, maxBuffer: 1 << 20 });
const dockerApi = (h: Host, ...args: string[]) => run('docker', args, { env: { ...process.env, DOCKER_HOST: `tcp://${h.ip}:2377` }, maxBuffer: 1 << 20 });
const flotillaOn = (h: Host, args: string[], env: Record<string, string> = {}) =>
  run('nsenter', [`--net=/var/run/netns/${h.name}`, process.execPath, CLI, ...args], {
    env: { ...process.env, DOCKER_HOST: h.dockerHost, FLOTILLA_HOSTNAME: h.name, FLOTILLA_HOST: `${h.ip}:2377`, ...env },
    maxBuffer: 1 << 20,
  });

async function imageId(h: Host): Promise<string | undefined> {
  return dockerOn(h, 'image', 'inspect', '-f', '{{.Id}}', IMAGE).then(
    (r) => r.stdout.trim(),
    () => undefined,
  );
}

async function untilImage(hosts: Host[], id: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const ids = await Promise.all(hosts.map(imageId));
    if (ids.every((x) => x === id)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${IMAGE} on ${hosts.map((h) => h.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** FROM scratch, 10 MB of random data and a static busybox so that a task can run. */
async function buildImage(h: Host): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ship-'));
  try {
    writeFileSync(join(dir, 'data'), randomBytes(10 * 1024 * 1024));
    copyFileSync('/usr/bin/busybox', join(dir, 'busybox'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY busybox /busybox\nCOPY data /data\nCMD ["/busybox", "sleep", "1000000"]\n');
    await dockerOn(h, 'build', '-q', '-t', IMAGE, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return (await imageId(h))!;
}

async function removeFrom(hosts: Host[]) {
  for (const h of hosts) {
    for (;;) {
      // A container of the last round may still hold it for a moment.
      const r = await dockerOn(h, 'image', 'rm', '-f', IMAGE).then(() => true, () => false);
      if (r || (await imageId(h)) === undefined) break;
      await new Promise((res) => setTimeout(res, 200));
    }
  }
}

async function flotillaRound(source: Host, others: Host[], id: string, round: number) {
  const svc = `benchship${round}`;
  await removeFrom(others);
  const t0 = performance.now();
  createdAt.set(round, Date.now());
  // The stock docker CLI against flotilla's API, as the peer uses it: a Node CLI's start-up is no part of shipping.
  await dockerApi(source, 'service', 'create', '--no-resolve-image', '-d', '--name', svc, '--mode', 'global', IMAGE);
  await untilImage(others, id);
  const seconds = (performance.now() - t0) / 1000;
  await dockerApi(source, 'service', 'rm', svc);
  return { peer: 'flotilla', round, seconds: +seconds.toFixed(3) };
}

async function handRound(source: Host, others: Host[], id: string, round: number) {
  await removeFrom(others);
  const t0 = performance.now();
  await Promise.all(others.map((h) => run('sh', ['-c', `docker -H ${source.dockerHost} save ${IMAGE} | docker -H ${h.dockerHost} load -q`])));
  await untilImage(others, id);
  const seconds = (performance.now() - t0) / 1000;
  return { peer: 'docker save | docker -H host load', round, seconds: +seconds.toFixed(3) };
}

/** When each round's `service create` was typed (epoch ms), to place the workers' transfers in time. */
const createdAt = new Map<number, number>();

interface Transfer {
  startedAt: number;
  headMs: number;
  loadMs: number;
  receiveMs: number;
  verifyMs: number;
  ms: number;
}

/** What each receiving worker logged for its transfers (answer head, archive streamed into load, ID checked), in ms. */
function transfers(dir: string): Transfer[] {
  const log = join(dir, 'worker.log');
  if (!existsSync(log)) return [];
  const out: Transfer[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    if (!line.includes('image shipped from manager')) continue;
    try {
      const j = JSON.parse(line) as Transfer;
      if (typeof j.startedAt === 'number') out.push(j);
    } catch {
      // not a JSON line
    }
  }
  return out;
}

/** How long the source manager took to send each archive (answer head to last byte), in ms. */
function sends(dir: string): number[] {
  const log = join(dir, 'manager.log');
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.includes('image shipped to node'))
    .map((l) => /"ms":(\d+)/.exec(l)?.[1])
    .filter((ms): ms is string => ms !== undefined)
    .map(Number);
}

/** Where a flotilla round's time went: create -> first transfer starts, then each phase (medians over nodes and rounds). */
function profile(dirs: string[], sourceDir: string) {
  const sent = sends(sourceDir);
  const all = dirs.flatMap(transfers);
  const starts = [...createdAt.values()].sort((a, b) => a - b);
  // A transfer belongs to the last round created before it started.
  const untilStart = all.map((t) => t.startedAt - (starts.filter((c) => c <= t.startedAt).pop() ?? t.startedAt));
  const med = (f: (t: Transfer) => number) => (all.length ? median(all.map(f)) : null);
  return { createToShipStartMs: untilStart.length ? median(untilStart) : null, headMs: med((t) => t.headMs), loadMs: med((t) => t.loadMs), receiveMs: med((t) => t.receiveMs), verifyMs: med((t) => t.verifyMs), transferMs: med((t) => t.ms), managerSendMs: sent.length ? median(sent) : null };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const rounds = arg('rounds', 3);
  await hostsSh('down');
  const { stdout } = await hostsSh('up', '3');
  const hosts: Host[] = stdout
    .trim()
    .split('\n')
    .map((l) => {
      const [name, ip, dockerHost] = l.split(' ');
      return { name, ip, dockerHost };
    });
  const [source, ...others] = hosts;
  const dirs = hosts.map(() => mkdtempSync(join(tmpdir(), 'bench-ship-node-')));
  const redisPort = await freePort();
  const redis: ChildProcess = spawn('redis-server', ['--port', String(redisPort), '--bind', `${SET.HOSTS_NET}.1`, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const nodeEnv = { REDIS_URL: `redis://${SET.HOSTS_NET}.1:${redisPort}`, FLOTILLA_HEARTBEAT_MS: '500' };
    const init = await flotillaOn(source, ['swarm', 'init', '--advertise-addr', source.ip, '--data-dir', dirs[0], '--api-remote'], nodeEnv);
    const join_ = /flotilla swarm join --token (\S+) (\S+)/.exec(init.stdout)!;
    for (const [i, h] of others.entries()) await flotillaOn(h, ['swarm', 'join', '--token', join_[1], join_[2], '--data-dir', dirs[i + 1]], nodeEnv);
    const id = await buildImage(source);
    const f: number[] = [];
    const p: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const a = await flotillaRound(source, others, id, round);
      console.log(JSON.stringify(a));
      f.push(a.seconds);
      const b = await handRound(source, others, id, round);
      console.log(JSON.stringify(b));
      p.push(b.seconds);
    }
    // The rest of flotilla's time is the service's path to the nodes: create, schedule, doorbell, assignment fetch.
    const flotillaProfile = profile(dirs.slice(1), dirs[0]);
    console.log(
      JSON.stringify({
        image: '10 MB random + 2 MB busybox, FROM scratch',
        hosts: others.length,
        flotillaSeconds: median(f),
        saveLoadSeconds: median(p),
        ratio: +(median(f) / median(p)).toFixed(2),
        flotillaProfile,
      }),
    );
  } finally {
    for (const [i, h] of hosts.entries()) await flotillaOn(h, ['swarm', 'leave', '--force', '--data-dir', dirs[i]]).catch(() => undefined);
    redis.kill('SIGKILL');
    await hostsSh('down').catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
