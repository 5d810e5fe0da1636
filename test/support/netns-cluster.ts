import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotillaOn, hostsDown, hostsUp, type Host, type HostSet } from './hosts';
import { freePort } from './ports';
import type { CliResult } from './cli';

export interface NetnsCluster {
  hosts: Host[];
  /** Each host's data dir (host i's node). */
  dirs: string[];
  /** Env for a `flotilla` call from outside the hosts, against host 1's manager. */
  env: Record<string, string>;
  /** Tears everything down: every node leaves, the hosts and their Redis go. */
  stop(): Promise<void>;
}

/**
 * N netns hosts (their own set) with a cluster on them: a manager on host 1 (`--api-remote`: the
 * tests run outside the hosts), workers on the others, and a Redis of the cluster's own, with a
 * password, on the set's bridge. Throws with the CLI's words if a step fails.
 */
export async function netnsCluster(set: HostSet, n: number): Promise<NetnsCluster> {
  await hostsDown(set);
  const hosts = await hostsUp(n, set);
  const redisPass = randomBytes(12).toString('hex');
  const redisPort = await freePort();
  const redis: ChildProcess = spawn('redis-server', ['--port', String(redisPort), '--bind', `${set.net}.1`, '--requirepass', redisPass, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const dirs = hosts.map(() => mkdtempSync(join(tmpdir(), `flotilla-${set.prefix}-`)));
  const stop = async () => {
    // Workers and manager at once: each leave stops its own node only.
    await Promise.all(hosts.map((h, i) => flotillaOn(h, ['swarm', 'leave', '--force', '--data-dir', dirs[i]]).catch(() => undefined)));
    await hostsDown(set);
    redis.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  const check = (what: string, r: CliResult) => {
    if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}`);
  };
  try {
    const nodeEnv = { REDIS_URL: `redis://:${redisPass}@${set.net}.1:${redisPort}`, FLOTILLA_HEARTBEAT_MS: '500' };
    const init = await flotillaOn(hosts[0], ['swarm', 'init', '--advertise-addr', hosts[0].ip, '--data-dir', dirs[0], '--api-remote'], nodeEnv);
    check('swarm init', init);
    const token = /flotilla swarm join --token (\S+) (\S+)/.exec(init.stdout);
    if (!token) throw new Error(`swarm init printed no join command: ${init.stdout}`);
    // The workers join together, as hosts of a real cluster would.
    const joins = await Promise.all(hosts.slice(1).map((h, i) => flotillaOn(h, ['swarm', 'join', '--token', token[1], token[2], '--data-dir', dirs[i + 1]], nodeEnv)));
    joins.forEach((r, i) => check(`swarm join on ${hosts[i + 1].name}`, r));
  } catch (e) {
    await stop();
    throw e;
  }
  return { hosts, dirs, env: { FLOTILLA_HOST: `${hosts[0].ip}:2377`, FLOTILLA_WAIT_TIMEOUT: '120' }, stop };
}
