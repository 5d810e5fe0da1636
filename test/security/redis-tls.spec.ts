import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla, runCommand } from '../support/cli';
import { docker, eventually, purgeService } from '../support/docker';
import { ManagerProcess } from '../support/manager';
import { MANAGER_MAIN } from '../support/env';
import { freePort } from '../support/ports';

const svc = `rtls${process.pid}`;
const PASSWORD = `pw-${process.pid}-s3cr3t`;

/** A CA and a server certificate for 127.0.0.1, made with openssl. */
function certificates(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=flotilla test redis CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext');
}

/** Starts a manager expected to fail; its combined output and exit code. */
async function failingManager(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-mgr-'));
  try {
    const r = await runCommand(process.execPath, [MANAGER_MAIN, '--listen-addr', `127.0.0.1:${port}`, '--data-dir', dir], {
      env: { ...process.env, ...env },
      timeoutMs: 30_000,
    });
    return { code: r.code, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Redis over TLS with a password (rediss:// + REDIS_CA)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-redis-tls-'));
  let redis: ChildProcess;
  let port: number;
  let m: ManagerProcess;
  const url = () => `rediss://:${PASSWORD}@127.0.0.1:${port}`;

  beforeAll(async () => {
    certificates(dir);
    port = await freePort();
    redis = spawn('redis-server', [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1',
      '--tls-cert-file', join(dir, 'server.pem'), '--tls-key-file', join(dir, 'server.key'), '--tls-ca-cert-file', join(dir, 'ca.pem'),
      '--tls-auth-clients', 'no', '--requirepass', PASSWORD, '--save', '', '--appendonly', 'no', '--dir', dir,
    ], { stdio: 'ignore' });
    await eventually(async () => {
      const r = await runCommand('redis-cli', ['--tls', '--cacert', join(dir, 'ca.pem'), '-p', String(port), '-a', PASSWORD, '--no-auth-warning', 'ping']);
      if (r.stdout.trim() !== 'PONG') throw new Error(r.stdout + r.stderr);
      return true;
    }, 'redis-server with TLS', 15_000);
  });
  afterAll(async () => {
    if (m) {
      await flotilla(['service', 'rm', svc], m.cliEnv);
      await m.destroy();
    }
    await purgeService(svc);
    redis?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a manager and its worker run a service through it', async () => {
    m = await ManagerProcess.create({ REDIS_URL: url(), REDIS_CA: join(dir, 'ca.pem') });
    const c = await flotilla(['service', 'create', '--name', svc, '--replicas', '2', 'flotilla/busybox:latest', 'sleep', '600'], { ...m.cliEnv, REDIS_URL: url() });
    expect(c.code, c.stderr).toBe(0);
    await eventually(async () => (await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`] } })).length === 2, '2 tasks running', 60_000);
    // The queues really are on this Redis: BullMQ's keys for the node's queue are there.
    const keys = await runCommand('redis-cli', ['--tls', '--cacert', join(dir, 'ca.pem'), '-p', String(port), '-a', PASSWORD, '--no-auth-warning', '--scan']);
    expect(keys.stdout).toMatch(/\S/);
    expect(m.log).not.toContain(PASSWORD);
  });

  it('a wrong password fails with one line that does not print the password', async () => {
    const wrong = `rediss://:not-${PASSWORD}@127.0.0.1:${port}`;
    const r = await failingManager({ REDIS_URL: wrong, REDIS_CA: join(dir, 'ca.pem') });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(`cannot reach Redis at rediss://:***@127.0.0.1:${port}`);
    expect(r.out).not.toContain(PASSWORD);
  });

  it("without REDIS_CA the server's self-signed CA is refused, and the error says why", async () => {
    const r = await failingManager({ REDIS_URL: url(), REDIS_CA: '' });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/cannot reach Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*certificate/i);
    expect(r.out).not.toContain(PASSWORD);
  });

  it('an unreadable REDIS_CA is named', async () => {
    const r = await failingManager({ REDIS_URL: url(), REDIS_CA: join(dir, 'nosuch.pem') });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(`REDIS_CA=${join(dir, 'nosuch.pem')}: cannot read the CA file: ENOENT`);
  });
});
