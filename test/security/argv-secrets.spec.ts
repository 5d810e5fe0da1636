import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla } from '../support/cli';
import { DOCKER_HOST, REDIS_URL } from '../support/env';
import { freePort } from '../support/ports';

/**
 * A node's join token and Redis password stay out of its command line
 * (/proc/PID/cmdline is readable by every user of the host): `swarm join`
 * hands them to the node process in its environment. This Redis has no
 * password; ACL AUTH of the default (nopass) user takes any, so the URL below
 * works and its password can be looked for.
 */
const PASSWORD = `pw-${process.pid}-never-in-argv`;

const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
const pidOf = (dir: string, role: string) => Number(readFileSync(join(dir, `${role}.pid`), 'utf8').trim());

describe('secrets out of node processes argv', () => {
  const dirs = { m1: '', m2: '', w: '' };
  let env: Record<string, string>;
  let addr: string;
  const f = (...args: string[]) => flotilla(args, env, { timeoutMs: 120_000 });
  const redisWithPassword = REDIS_URL.replace('redis://', `redis://default:${PASSWORD}@`);

  beforeAll(async () => {
    for (const k of Object.keys(dirs) as (keyof typeof dirs)[]) dirs[k] = mkdtempSync(join(tmpdir(), `flotilla-argv-${k}-`));
    addr = `127.0.0.1:${await freePort()}`;
    env = { FLOTILLA_HOST: addr, DOCKER_HOST, REDIS_URL, FLOTILLA_HEARTBEAT_MS: '500' };
    const init = await f('swarm', 'init', '--listen-addr', addr, '--data-dir', dirs.m1);
    expect(init.code, init.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await f('swarm', 'leave', '--data-dir', dirs.w);
    await f('swarm', 'leave', '--force', '--data-dir', dirs.m2);
    await f('swarm', 'leave', '--force', '--data-dir', dirs.m1);
    for (const d of Object.values(dirs)) if (d) rmSync(d, { recursive: true, force: true });
  }, 120_000);

  it('a worker joined with a token and a Redis password shows neither in its command line', async () => {
    const token = (await f('swarm', 'join-token', '-q', 'worker')).stdout.trim();
    expect(token).toMatch(/^SWMTKN-1-/);
    const j = await flotilla(['swarm', 'join', '--token', token, '--redis-url', redisWithPassword, addr, '--data-dir', dirs.w], { ...env, FLOTILLA_HOSTNAME: 'argv-w' }, { timeoutMs: 120_000 });
    expect(j.code, j.stderr).toBe(0);
    const pid = pidOf(dirs.w, 'worker');
    const args = cmdline(pid);
    expect(args).toContain('--data-dir');
    expect(args).not.toContain('SWMTKN-');
    expect(args).not.toContain(PASSWORD);
    // They reached it (the node joined through them), in its environment, readable by its owner only.
    expect(environ(pid)).toContain(`FLOTILLA_TOKEN=${token}`);
    expect(environ(pid)).toContain(`FLOTILLA_REDIS_URL=${redisWithPassword}`);
  }, 150_000);

  it('so does a manager joined with the manager token', async () => {
    const token = (await f('swarm', 'join-token', '-q', 'manager')).stdout.trim();
    const listen = `127.0.0.1:${await freePort()}`;
    const j = await flotilla(
      ['swarm', 'join', '--token', token, '--redis-url', redisWithPassword, '--listen-addr', listen, '--advertise-addr', listen, addr, '--data-dir', dirs.m2],
      { ...env, FLOTILLA_HOSTNAME: 'argv-m2' },
      { timeoutMs: 120_000 },
    );
    expect(j.code, j.stderr).toBe(0);
    expect(j.stdout).toBe('This node joined a swarm as a manager.\n');
    const args = cmdline(pidOf(dirs.m2, 'manager'));
    expect(args).toContain('--join');
    expect(args).not.toContain('SWMTKN-');
    expect(args).not.toContain(PASSWORD);
  }, 150_000);
});
