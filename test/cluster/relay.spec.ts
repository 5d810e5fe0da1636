import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla } from '../support/cli';
import { ROOT } from '../support/env';
import { eventually } from '../support/docker';
import { flotillaOn, hostsDown, hostsUp, type Host, type HostSet } from '../support/hosts';
import { freePort } from '../support/ports';

/**
 * The engine relay across hosts: a task pinned to host 2, reached by
 * `compose exec`/`top` run outside both hosts against the manager on host 1.
 * Host 2's worker accepts no connection: it dials the manager back when asked.
 */
const isRoot = process.getuid?.() === 0;
const SET: HostSet = { prefix: 'rlh', net: '10.242.0', bridge: 'rlhbr0', state: '/var/lib/flotilla-hosts-rl' };
const file = join(ROOT, 'test/cluster/fixtures/relay/docker-compose.yml');

describe.skipIf(!isRoot)('engine relay: exec on a container of another host', () => {
  let hosts: Host[];
  let redis: ChildProcess;
  const redisPass = randomBytes(12).toString('hex');
  const dirs: string[] = [];
  let env: Record<string, string>;
  const project = `rlx${process.pid}`;
  const compose = (...args: string[]) => flotilla(['compose', '-f', file, '-p', project, ...args], env);

  beforeAll(async () => {
    await hostsDown(SET);
    hosts = await hostsUp(2, SET);
    const redisPort = await freePort();
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', `${SET.net}.1`, '--requirepass', redisPass, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    for (const _ of hosts) dirs.push(mkdtempSync(join(tmpdir(), 'flotilla-rl-')));
    const nodeEnv = { REDIS_URL: `redis://:${redisPass}@${SET.net}.1:${redisPort}`, FLOTILLA_HEARTBEAT_MS: '500' };
    const init = await flotillaOn(hosts[0], ['swarm', 'init', '--advertise-addr', hosts[0].ip, '--data-dir', dirs[0], '--api-remote'], nodeEnv);
    expect(init.code, init.stderr).toBe(0);
    const join_ = /flotilla swarm join --token (\S+) (\S+)/.exec(init.stdout)!;
    const j = await flotillaOn(hosts[1], ['swarm', 'join', '--token', join_[1], join_[2], '--data-dir', dirs[1]], nodeEnv);
    expect(j.code, j.stderr).toBe(0);
    env = { FLOTILLA_HOST: `${hosts[0].ip}:2377`, FLOTILLA_WAIT_TIMEOUT: '120', RELAY_NODE: hosts[1].name };
  }, 300_000);

  afterAll(async () => {
    await compose('down').catch(() => undefined);
    for (const [i, h] of (hosts ?? []).entries()) await flotillaOn(h, ['swarm', 'leave', '--force', '--data-dir', dirs[i]]).catch(() => undefined);
    await hostsDown(SET);
    redis?.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 300_000);

  it('exec -T reaches the task on host 2: its output, its exit code', async () => {
    const up = await compose('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    const onFar = await eventually(async () => (await hosts[1].docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } }))[0], 'the task on host 2');
    expect(await hosts[0].docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } })).toEqual([]);
    const r = await compose('exec', '-T', 'far', 'sh', '-c', 'hostname; echo oops >&2; exit 5');
    expect({ stdout: r.stdout, stderr: r.stderr, code: r.code }).toEqual({ stdout: `${onFar.Id.slice(0, 12)}\n`, stderr: 'oops\n', code: 5 });
  });

  it('top and kill -s reach it too', async () => {
    const top = await compose('top', 'far');
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toMatch(new RegExp(`^${project}_far_1\\nUID\\s+PID`));
    expect(top.stdout).toContain('sleep 3600');
    const kill = await compose('kill', '-s', 'KILL', 'far');
    expect(kill.stderr).toBe(`Killing ${project}_far_1 ... \nKilling ${project}_far_1 ... done\n`);
  });
});
