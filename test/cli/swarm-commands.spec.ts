import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flotilla } from '../support/cli';
import { docker, eventually, purgeService } from '../support/docker';
import { EXAMPLES } from '../support/env';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';

const svc = `fs${process.pid}`;
const stack = `fst${process.pid}`;

describe('flotilla service / node / stack / swarm join-token', () => {
  let m: ManagerProcess;
  const f = (...args: string[]) => flotilla(args, m.cliEnv);
  const running = async (label: string) => (await docker.listContainers({ filters: { label: [label] } })).length;

  beforeAll(async () => {
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await f('service', 'rm', svc);
    await f('stack', 'rm', stack);
    await m?.destroy();
    for (const s of [svc, `${svc}g`, `${svc}i`, `${stack}_web`, `${stack}_redis`]) await purgeService(s);
  });

  it('node ls stars this node', async () => {
    const r = await f('node', 'ls');
    expect(r.stdout).toMatch(/^ID\s+HOSTNAME\s+STATUS\s+AVAILABILITY\s+MANAGER STATUS\s+ENGINE VERSION\n[a-z0-9]{25} \*\s+\S+\s+Ready\s+Active\s+Leader\s+/);
  });

  it('service create waits for convergence, scale and rm follow', async () => {
    const c = await f('service', 'create', '--name', svc, '--replicas', '2', 'flotilla/hello:latest');
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout.trim()).toMatch(/^[a-z0-9]{25}$/);
    expect(await running(`com.docker.swarm.service.name=${svc}`)).toBe(2);
    const ls = await f('service', 'ls');
    expect(ls.stdout).toMatch(new RegExp(`^[a-z0-9]{12}   ${svc}\\s+replicated   2/2\\s+flotilla/hello:latest`, 'm'));
    const sc = await f('service', 'scale', `${svc}=4`);
    expect(sc.stdout).toContain(`${svc} scaled to 4`);
    expect(await running(`com.docker.swarm.service.name=${svc}`)).toBe(4);
    const ps = await f('service', 'ps', svc);
    expect(ps.stdout.match(/\sRunning\s+Running /g)).toHaveLength(4);
    const bad = await f('service', 'scale', 'nosuch=2');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('nosuch: Error response from daemon: service nosuch not found');
    const glob = await f('service', 'create', '--name', `${svc}g`, '--mode', 'global', '--detach', 'flotilla/hello:latest');
    expect(glob.code).toBe(0);
    const sg = await f('service', 'scale', `${svc}g=2`);
    expect(sg.stderr).toContain(`${svc}g: scale can only be used with replicated or replicated-job mode`);
    expect((await f('service', 'rm', svc, `${svc}g`)).stdout.trim().split('\n')).toEqual([svc, `${svc}g`]);
    await eventually(async () => (await running(`com.docker.swarm.service.name=${svc}`)) === 0, 'removed');
  });

  it('an impossible constraint leaves the task pending with the reason', async () => {
    const c = await f('service', 'create', '--detach', '--name', `${svc}i`, '--constraint', 'node.labels.zone==nowhere', 'flotilla/hello:latest');
    expect(c.code).toBe(0);
    await eventually(async () => /Pending .* ago\s+"no suitable node/.test((await f('service', 'ps', `${svc}i`)).stdout), 'pending with reason');
    const full = await f('service', 'ps', '--no-trunc', `${svc}i`);
    expect(full.stdout).toContain('"no suitable node (scheduling constraints not satisfied on 1 node)"');
    await f('service', 'rm', `${svc}i`);
  });

  it('stack deploy, ls, services, ps, rm', async () => {
    const env = { ...m.cliEnv, COUNTER_PORT: String(await freePort()) };
    const d = await flotilla(['stack', 'deploy', '-c', `${EXAMPLES}/counter/docker-compose.yml`, stack], env);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toBe(`Creating service ${stack}_redis\nCreating service ${stack}_web\n`);
    await eventually(async () => (await running(`com.docker.stack.namespace=${stack}`)) === 2, 'stack running');
    expect((await f('stack', 'ls')).stdout).toMatch(new RegExp(`^${stack}\\s+2$`, 'm'));
    expect((await f('stack', 'services', stack)).stdout).toMatch(new RegExp(`${stack}_web\\s+replicated\\s+1/1`));
    expect((await f('stack', 'ps', stack)).stdout).toMatch(new RegExp(`${stack}_redis\\.1\\s+flotilla/redis:latest`));
    const rm = await f('stack', 'rm', stack);
    expect(rm.stdout).toContain(`Removing network ${stack}_default`);
    await eventually(async () => (await running(`com.docker.stack.namespace=${stack}`)) === 0, 'stack gone');
  });

  it('join-token prints the join command; --rotate replaces the token', async () => {
    const before = (await f('swarm', 'join-token', '-q', 'worker')).stdout.trim();
    expect(before).toMatch(/^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
    const full = await f('swarm', 'join-token', 'worker');
    expect(full.stdout).toBe(`To add a worker to this swarm, run the following command:\n\n    flotilla swarm join --token ${before} 127.0.0.1:${m.port}\n\n`);
    const rotated = (await f('swarm', 'join-token', '-q', '--rotate', 'worker')).stdout.trim();
    expect(rotated).not.toBe(before);
    expect(rotated.slice(0, 60)).toBe(before.slice(0, 60));
    // The old token no longer joins a node.
    const r = await fetch(`http://${m.host}/flotilla/v1/nodes/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: before, addr: '127.0.0.9', description: { Hostname: 'x', Resources: { NanoCPUs: 1, MemoryBytes: 1 } } }),
    });
    expect(r.status).toBe(401);
  });

  it('assignments and reports need the node credential; the API never serves the key', async () => {
    const self = JSON.parse((await f('node', 'inspect', 'self')).stdout)[0].ID as string;
    const url = `http://${m.host}/flotilla/v1/nodes/${self}/assignments`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${'0'.repeat(64)}` } })).status).toBe(401);
    const report = await fetch(`http://${m.host}/flotilla/v1/nodes/${self}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reports: [] }),
    });
    expect(report.status).toBe(401);
    const swarm = (await (await fetch(`http://${m.host}/v1.41/swarm`)).json()) as Record<string, unknown>;
    expect(swarm.NodeKey).toBeUndefined();
    expect(JSON.stringify(swarm)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('node update drains and labels this node', async () => {
    const u = await f('node', 'update', '--availability', 'drain', '--label-add', 'zone=a', 'self');
    expect(u.code, u.stderr).toBe(0);
    const n = JSON.parse((await f('node', 'inspect', 'self')).stdout)[0];
    expect(n.Spec).toEqual({ Labels: { zone: 'a' }, Role: 'manager', Availability: 'drain' });
    const d = await f('node', 'demote', 'self');
    expect(d.stderr).toContain('attempting to demote the last manager of the swarm');
    await f('node', 'update', '--availability', 'active', 'self');
  });
});
