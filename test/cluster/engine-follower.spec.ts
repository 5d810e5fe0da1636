import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla } from '../support/cli';
import { eventually } from '../support/docker';
import { flotillaOn, hostsDown, hostsUp, type Host, type HostSet } from '../support/hosts';
import { freePort } from '../support/ports';

/**
 * Each manager answers `docker ps`, `exec`, `info` from its own node's engine,
 * as a Swarm manager does, and a follower does not pass them to the leader:
 * two hosts (a dockerd each), two managers, one task on each. Callers come
 * from the root namespace, i.e. from another host: the managers run with
 * --api-remote, so the hijacked exec also crosses the remote-access rule.
 */
const isRoot = process.getuid?.() === 0;
const SET: HostSet = { prefix: 'engh', net: '10.232.0', bridge: 'enghbr0', state: '/var/lib/flotilla-hosts-eng' };
const svc = `ef${process.pid}`;

function dockerAt(addr: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('docker', args, { env: { ...process.env, DOCKER_HOST: `tcp://${addr}` }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!isRoot)("a follower answers the engine routes from its own node's dockerd", () => {
  let hosts: Host[];
  let redis: ChildProcess;
  const dirs: string[] = [];
  const redisPass = randomBytes(12).toString('hex');
  let nodeEnv: Record<string, string>;
  const raftOf = async (h: Host) => (await (await fetch(`http://${h.ip}:2377/flotilla/v1/raft/status`, { signal: AbortSignal.timeout(2000) })).json()) as { id: string; role: string };
  const taskOn = async (h: Host) => (await h.docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`] } }))[0]?.Id;

  beforeAll(async () => {
    await hostsDown(SET);
    hosts = await hostsUp(2, SET);
    const redisPort = await freePort();
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', `${SET.net}.1`, '--requirepass', redisPass, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await eventually(
      () => new Promise<boolean>((r) => execFile('redis-cli', ['-h', `${SET.net}.1`, '-p', String(redisPort), '-a', redisPass, '--no-auth-warning', 'ping'], (e, out) => r(!e && out.includes('PONG')))),
      'redis up',
      10_000,
    );
    nodeEnv = { REDIS_URL: `redis://:${redisPass}@${SET.net}.1:${redisPort}`, FLOTILLA_HEARTBEAT_MS: '500' };
    for (const _ of hosts) dirs.push(mkdtempSync(join(tmpdir(), 'flotilla-engf-')));
    const init = await flotillaOn(hosts[0], ['swarm', 'init', '--advertise-addr', hosts[0].ip, '--data-dir', dirs[0], '--api-remote'], nodeEnv);
    expect(init.code, init.stderr).toBe(0);
    const mt = await flotillaOn(hosts[0], ['swarm', 'join-token', 'manager'], { FLOTILLA_HOST: `${hosts[0].ip}:2377` });
    const manager = /flotilla swarm join --token (\S+) (\S+)/.exec(mt.stdout)!;
    const j = await flotillaOn(hosts[1], ['swarm', 'join', '--token', manager[1], manager[2], '--data-dir', dirs[1], '--api-remote'], nodeEnv);
    expect(j.code, j.stderr).toBe(0);
    const c = await flotilla(['service', 'create', '--name', svc, '--replicas', '2', 'flotilla/busybox:latest', 'sleep', '3600'], {
      FLOTILLA_HOST: `${hosts[0].ip}:2377`,
      FLOTILLA_WAIT_TIMEOUT: '120',
    });
    expect(c.code, c.stderr).toBe(0);
    await eventually(async () => (await Promise.all(hosts.map(taskOn))).every(Boolean), 'a task on each host');
  }, 240_000);

  afterAll(async () => {
    for (const [i, h] of (hosts ?? []).entries()) await flotillaOn(h, ['swarm', 'leave', '--force', '--data-dir', dirs[i]]).catch(() => undefined);
    await hostsDown(SET);
    redis?.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 240_000);

  it('ps, exec and info through each manager reach that manager’s own engine', async () => {
    const roles = await Promise.all(hosts.map(raftOf));
    expect(roles.map((r) => r.role).sort()).toEqual(['follower', 'leader']);
    for (const [i, h] of hosts.entries()) {
      const mine = (await taskOn(h))!;
      const other = (await taskOn(hosts[1 - i]))!;
      const at = `${h.ip}:2377`;
      const ps = await dockerAt(at, ['ps', '-q', '--no-trunc', '--filter', `label=com.docker.swarm.service.name=${svc}`]);
      expect(ps.stdout.trim(), `${roles[i].role} ps`).toBe(mine);
      const ex = await dockerAt(at, ['exec', mine, 'echo', `from-${h.name}`]);
      expect([ex.code, ex.stdout], `${roles[i].role} exec`).toEqual([0, `from-${h.name}\n`]);
      // The other node's container is not this engine's: Docker's own answer, as on a Swarm manager.
      const no = await dockerAt(at, ['exec', other, 'true']);
      expect([no.code, no.stderr.trim()]).toEqual([1, `Error response from daemon: No such container: ${other}`]);
      const info = JSON.parse((await dockerAt(at, ['info', '--format', '{{json .}}'])).stdout) as { Name: string; Swarm: { NodeID: string; ControlAvailable: boolean } };
      expect([info.Name, info.Swarm.NodeID, info.Swarm.ControlAvailable]).toEqual([h.name, roles[i].id, true]);
    }
  });
});
