import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla } from '../support/cli';
import { docker, eventually, purgeService } from '../support/docker';
import { DOCKER_HOST, REDIS_URL } from '../support/env';
import { freePort } from '../support/ports';

/**
 * `swarm init` + `swarm join` as a user types them, two nodes sharing this
 * host's engine (the multi-host harness puts each on its own engine): spread,
 * a worker killed -> its tasks move, the worker back -> its stale containers go.
 */
const svc = `j${process.pid}`;

describe('swarm init / join / leave with two nodes', () => {
  let mgrDir: string;
  let wrkDir: string;
  let port: number;
  let env: Record<string, string>;
  const f = (...args: string[]) => flotilla(args, env);
  const byNode = async () => {
    const cs = await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`] } });
    const m = new Map<string, number>();
    for (const c of cs) m.set(c.Labels['com.docker.swarm.node.id'], (m.get(c.Labels['com.docker.swarm.node.id']) ?? 0) + 1);
    return m;
  };

  beforeAll(async () => {
    mgrDir = mkdtempSync(join(tmpdir(), 'flotilla-n1-'));
    wrkDir = mkdtempSync(join(tmpdir(), 'flotilla-n2-'));
    port = await freePort();
    env = { FLOTILLA_HOST: `127.0.0.1:${port}`, DOCKER_HOST, REDIS_URL, FLOTILLA_HEARTBEAT_MS: '500', FLOTILLA_HOSTNAME: 'n1' };
  });
  afterAll(async () => {
    await f('service', 'rm', svc);
    await eventually(async () => (await byNode()).size === 0, 'service removed', 20_000).catch(() => undefined);
    await f('swarm', 'leave', '--data-dir', wrkDir);
    await f('swarm', 'leave', '--force', '--data-dir', mgrDir);
    await purgeService(svc);
    rmSync(mgrDir, { recursive: true, force: true });
    rmSync(wrkDir, { recursive: true, force: true });
  });

  it('init prints the join command, join adds a worker', async () => {
    const init = await f('swarm', 'init', '--listen-addr', `127.0.0.1:${port}`, '--data-dir', mgrDir);
    expect(init.code, init.stderr).toBe(0);
    const m = /Swarm initialized: current node \(([a-z0-9]{25})\) is now a manager\.\n\nTo add a worker to this swarm, run the following command:\n\n {4}flotilla swarm join --token (SWMTKN-1-\S+) (127\.0\.0\.1:\d+)\n/.exec(init.stdout);
    expect(m, init.stdout).not.toBeNull();
    const again = await f('swarm', 'init', '--listen-addr', `127.0.0.1:${port}`, '--data-dir', mgrDir);
    expect(again.stderr).toContain('This node is already part of a swarm');

    const bogus = await f('swarm', 'join', '--token', m![2].replace(/-[0-9a-z]{25}$/, '-' + 'a'.repeat(25)), m![3], '--data-dir', wrkDir);
    expect(bogus.code).not.toBe(0);
    expect(bogus.stderr.trim()).toBe('ERROR: invalid join token');
    const otherCluster = 'SWMTKN-1-' + 'b'.repeat(50) + '-' + 'c'.repeat(25);
    const wrong = await f('swarm', 'join', '--token', otherCluster, m![3], '--data-dir', wrkDir);
    expect(wrong.stderr).toContain('belongs to another cluster than this join token');

    const j = await flotilla(['swarm', 'join', '--token', m![2], m![3], '--data-dir', wrkDir], { ...env, FLOTILLA_HOSTNAME: 'n2' });
    expect(j.code, j.stderr).toBe(0);
    expect(j.stdout).toBe('This node joined a swarm as a worker.\n');
    const ls = await f('node', 'ls');
    expect(ls.stdout).toMatch(/^[a-z0-9]{25} \*\s+n1\s+Ready\s+Active\s+Leader/m);
    expect(ls.stdout).toMatch(/^[a-z0-9]{25}\s+n2\s+Ready\s+Active\s+\S/m);
  });

  it('spreads replicas evenly over the two nodes', async () => {
    expect((await f('service', 'create', '--name', svc, '--replicas', '6', 'flotilla/busybox:latest', 'sh', '-c', 'trap "exit 0" TERM; sleep 100000 & wait')).code).toBe(0);
    expect([...(await byNode()).values()].sort()).toEqual([3, 3]);
  });

  it('a killed worker goes down and its tasks run on the other node; back, its stale containers go', async () => {
    const workerId = readFileSync(join(wrkDir, 'node-id'), 'utf8').trim();
    const pid = Number(readFileSync(join(wrkDir, 'worker.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await eventually(async () => /n2\s+Down/.test((await f('node', 'ls')).stdout), 'n2 down', 20_000);
    const managerNode = (await f('node', 'inspect', 'self')).stdout;
    const mgrId = JSON.parse(managerNode)[0].ID as string;
    await eventually(async () => (await byNode()).get(mgrId) === 6, '6 on the manager node', 30_000);
    // The dead worker's containers still run on the shared engine until it comes back.
    expect((await byNode()).get(workerId)).toBe(3);
    const rejoin = await flotilla(['swarm', 'join', '--token', (await f('swarm', 'join-token', '-q', 'worker')).stdout.trim(), `127.0.0.1:${port}`, '--data-dir', wrkDir], {
      ...env,
      FLOTILLA_HOSTNAME: 'n2',
    });
    expect(rejoin.code, rejoin.stderr).toBe(0);
    expect(readFileSync(join(wrkDir, 'node-id'), 'utf8').trim()).toBe(workerId);
    await eventually(async () => !(await byNode()).has(workerId), 'stale containers removed', 30_000);
    expect((await byNode()).get(mgrId)).toBe(6);
    expect((await f('node', 'ls')).stdout.match(/\sReady\s/g)).toHaveLength(2);
  });

  it('drain moves tasks off a node', async () => {
    expect((await f('node', 'update', '--availability', 'drain', 'n1')).code).toBe(0);
    const workerId = readFileSync(join(wrkDir, 'node-id'), 'utf8').trim();
    await eventually(async () => {
      const m = await byNode();
      return m.size === 1 && m.get(workerId) === 6;
    }, 'all on n2', 30_000);
    await f('node', 'update', '--availability', 'active', 'n1');
  });

  it('leave stops the node; a manager needs --force', async () => {
    const noForce = await f('swarm', 'leave', '--data-dir', mgrDir);
    expect(noForce.code).not.toBe(0);
    expect(noForce.stderr).toContain('Use `--force` to ignore this message.');
    const l = await f('swarm', 'leave', '--data-dir', wrkDir);
    expect(l.stdout).toBe('Node left the swarm.\n');
  });
});
