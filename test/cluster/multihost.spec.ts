import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla } from '../support/cli';
import { eventually } from '../support/docker';
import { httpGet } from '../support/http';
import { flotillaOn, hostsDown, hostsUp, type Host } from '../support/hosts';
import { freePort } from '../support/ports';

/**
 * Three hosts (network namespaces, a dockerd each): `swarm init` on one,
 * `swarm join` on the others, as a user would on three machines; the CLI
 * drives the cluster from outside over the network.
 */
const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)('several hosts: init, join, spread, a host lost, ingress on every host', () => {
  let hosts: Host[];
  let redis: ChildProcess;
  let redisPort: number;
  const redisPass = randomBytes(12).toString('hex');
  const dirs: string[] = [];
  let env: Record<string, string>;
  const svc = `mh${process.pid}`;
  const web = `mhw${process.pid}`;
  const f = (...args: string[]) => flotilla(args, env);
  const runningOn = async (h: Host, name: string) =>
    (await h.docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${name}`] } })).length;

  beforeAll(async () => {
    await hostsDown();
    hosts = await hostsUp(3);
    redisPort = await freePort();
    // Reachable from the hosts, so not in protected mode: a password instead, as a real deployment would.
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '10.213.0.1', '--requirepass', redisPass, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    env = { FLOTILLA_HOST: `${hosts[0].ip}:2377`, FLOTILLA_WAIT_TIMEOUT: '90' };
    for (const _ of hosts) dirs.push(mkdtempSync(join(tmpdir(), 'flotilla-mh-')));
  }, 180_000);

  afterAll(async () => {
    for (const [i, h] of hosts.entries()) await flotillaOn(h, ['swarm', 'leave', '--force', '--data-dir', dirs[i]]).catch(() => undefined);
    await hostsDown();
    redis?.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 180_000);

  it('init on host 1, join from hosts 2 and 3: three ready nodes', async () => {
    const nodeEnv = { REDIS_URL: `redis://:${redisPass}@10.213.0.1:${redisPort}`, FLOTILLA_HEARTBEAT_MS: '500' };
    const init = await flotillaOn(hosts[0], ['swarm', 'init', '--advertise-addr', hosts[0].ip, '--data-dir', dirs[0], '--api-remote'], nodeEnv);
    expect(init.code, init.stderr).toBe(0);
    const join = /flotilla swarm join --token (\S+) (\S+)/.exec(init.stdout)!;
    expect(join[2]).toBe(`${hosts[0].ip}:2377`);
    for (const i of [1, 2]) {
      const j = await flotillaOn(hosts[i], ['swarm', 'join', '--token', join[1], join[2], '--data-dir', dirs[i]], nodeEnv);
      expect(j.code, j.stderr).toBe(0);
    }
    const ls = await f('node', 'ls');
    for (const h of hosts) expect(ls.stdout).toMatch(new RegExp(`\\s${h.name}\\s+Ready\\s+Active\\s`));
  });

  it('spreads 6 replicas as 2 per host, each on its own engine', async () => {
    const c = await f('service', 'create', '--name', svc, '--replicas', '6', 'flotilla/busybox:latest', 'sh', '-c', 'trap "exit 0" TERM; sleep 100000 & wait');
    expect(c.code, c.stderr).toBe(0);
    for (const h of hosts) expect(await runningOn(h, svc)).toBe(2);
  });

  it('a health-gated update of the 6 replicas over 3 hosts rolls back on failure, 2 per host again', async () => {
    const u = await f('service', 'update', '-d', '--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1', '--update-failure-action', 'rollback', '--update-monitor', '2s', svc);
    expect(u.code, u.stderr).toBe(0);
    const inspect = async () => JSON.parse((await f('service', 'inspect', svc)).stdout)[0];
    const states: string[] = [];
    await eventually(
      async () => {
        const st = (await inspect()).UpdateStatus?.State;
        if (st && states[states.length - 1] !== st) states.push(st);
        return st === 'rollback_completed';
      },
      'rollback_completed',
      90_000,
    );
    expect(states.slice(-2)).toEqual(['rollback_started', 'rollback_completed']);
    expect((await inspect()).Spec.TaskTemplate.ContainerSpec.Healthcheck).toBeUndefined();
    for (const h of hosts) await eventually(async () => (await runningOn(h, svc)) === 2, `2 running on ${h.name}`, 30_000);
  });

  it('a published port answers on every host that runs the service', async () => {
    const c = await f('service', 'create', '--name', web, '--replicas', '3', '-p', '8080:80', 'flotilla/hello:latest');
    expect(c.code, c.stderr).toBe(0);
    for (const h of hosts) {
      const r = await eventually(() => httpGet(`http://${h.ip}:8080/`), `ingress on ${h.name}`, 20_000);
      expect(r.body).toMatch(/^Hello from [0-9a-f]{12}/);
    }
  });

  it('routing mesh: a service running on host 2 alone answers on every host, as with Docker', async () => {
    const c = await f('service', 'create', '--name', `${web}one`, '--replicas', '1', '-p', '8081:80', '--constraint', `node.hostname==${hosts[1].name}`, 'flotilla/hello:latest');
    expect(c.code, c.stderr).toBe(0);
    const onHost2 = (await hosts[1].docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${web}one`] } }))[0];
    for (const h of hosts) {
      const r = await eventually(() => httpGet(`http://${h.ip}:8081/`), `the mesh on ${h.name}`, 30_000);
      expect(r.body).toContain(`Hello from ${onHost2.Id.slice(0, 12)}`);
    }
    expect((await f('service', 'rm', `${web}one`)).code).toBe(0);
  });

  it('compose: a host range onto one port, 3 replicas over 3 hosts: each container binds a free port of it on its own host (1.29 on each engine), nothing through the mesh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-mh-range-'));
    const file = join(dir, 'docker-compose.yml');
    writeFileSync(file, 'version: "3.8"\nservices:\n  web:\n    image: flotilla/hello:latest\n    ports: ["18000-18001:80"]\n');
    const project = `mhr${process.pid}`;
    const c = (...args: string[]) => flotilla(['compose', '-f', file, '-p', project, ...args], env);
    try {
      const up = await c('up', '-d', '--scale', 'web=3');
      expect(up.code, up.stderr).toBe(0);
      // One per host (spread): each engine gives its container the range's first port.
      for (const h of hosts) expect(await runningOn(h, `${project}_web`)).toBe(1);
      const ps = await eventually(async () => {
        const r = await c('ps');
        return (r.stdout.match(/0\.0\.0\.0:18000->80\/tcp/g) ?? []).length === 3 ? r.stdout : undefined;
      }, 'ps to show each container on 18000');
      expect(ps).not.toContain('18001');
      for (const i of [1, 2, 3]) expect((await c('port', '--index', String(i), 'web', '80')).stdout).toBe('0.0.0.0:18000\n');
      for (const h of hosts) {
        // Its own container answers on its own host; the range's second port is left free (no mesh).
        const mine = (await h.docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${project}_web`] } }))[0];
        const r = await eventually(() => httpGet(`http://${h.ip}:18000/`), `18000 on ${h.name}`, 20_000);
        expect(r.body).toContain(`Hello from ${mine.Id.slice(0, 12)}`);
        await expect(httpGet(`http://${h.ip}:18001/`, 1000)).rejects.toThrow();
      }
    } finally {
      await c('down');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a host that dies: its node goes down and its tasks run on the others within 15 s', async () => {
    const lost = hosts[2];
    const pid = Number(readFileSync(join(dirs[2], 'worker.pid'), 'utf8'));
    const dockerdPid = Number(readFileSync(`/var/lib/flotilla-hosts/${lost.name}/docker.pid`, 'utf8'));
    // The cluster's events reach the manager's stream from every host: this one going down too.
    const events = spawn('docker', ['events', '--format', '{{json .}}', '--filter', 'type=node'], { env: { ...process.env, DOCKER_HOST: `tcp://${hosts[0].ip}:2377` } });
    let seen = '';
    events.stdout.on('data', (d) => (seen += d));
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    process.kill(pid, 'SIGKILL');
    process.kill(dockerdPid, 'SIGKILL');
    await eventually(async () => (await runningOn(hosts[0], svc)) + (await runningOn(hosts[1], svc)) === 6, 'six running on the two left', 15_000);
    const elapsed = Date.now() - t0;
    console.log(JSON.stringify({ rescheduledWithinMs: elapsed }));
    expect((await f('node', 'ls')).stdout).toMatch(new RegExp(`\\s${lost.name}\\s+Down\\s`));
    try {
      await eventually(async () => seen.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.Actor.Attributes.name === lost.name && e.Actor.Attributes['state.new'] === 'down'), 'the node-down event', 15_000);
    } finally {
      events.kill();
    }
  });
});
