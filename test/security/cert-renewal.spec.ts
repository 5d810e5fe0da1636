import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flotillaOn, hostsDown, hostsUp, type Host, type HostSet } from '../support/hosts';
import { runCommand } from '../support/cli';
import { eventually } from '../support/docker';
import { freePort } from '../support/ports';

const SET: HostSet = { prefix: 'tah', net: '10.233.0', bridge: 'tahbr0', state: '/var/lib/tah' };
const isRoot = process.getuid?.() === 0;

/**
 * Certificate renewal (issue 13 point 1): the stock docker CLI sets the node certificate lifetime
 * (`swarm update --cert-expiry`, with the floor lowered to 10 s for the test); a worker that joins
 * then renews its certificate over its mutual TLS at 50–80 % of its life, again and again, keeps
 * running tasks past its first certificate's expiry, and that expired certificate is refused.
 */
describe.skipIf(!isRoot)('node certificates renewed before they expire', () => {
  let hosts: Host[] = [];
  const dirs: string[] = [];
  let redis: ChildProcess | undefined;
  const work = mkdtempSync(join(tmpdir(), 'flotilla-tah-renew-'));
  const svc = `rn${process.pid}`;
  let nodeEnv: Record<string, string> = {};
  let token: RegExpExecArray;
  const docker = (args: string[]) =>
    runCommand('nsenter', [`--net=/var/run/netns/${hosts[0].name}`, 'docker', ...args], { env: { ...process.env, DOCKER_HOST: 'tcp://127.0.0.1:2377' }, timeoutMs: 60_000 });
  const workerCert = () => new X509Certificate(readFileSync(join(dirs[1], 'tls', 'cert.pem')));

  beforeAll(async () => {
    await hostsDown(SET);
    hosts = await hostsUp(2, SET);
    const pass = randomBytes(12).toString('hex');
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', `${SET.net}.1`, '--requirepass', pass, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    nodeEnv = { REDIS_URL: `redis://:${pass}@${SET.net}.1:${port}`, FLOTILLA_HEARTBEAT_MS: '500', FLOTILLA_MIN_CERT_EXPIRY_MS: '10000' };
    for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), 'flotilla-tah-node-')));
    const init = await flotillaOn(hosts[0], ['swarm', 'init', '--advertise-addr', hosts[0].ip, '--data-dir', dirs[0]], nodeEnv);
    if (init.code !== 0) throw new Error(`swarm init failed: ${init.stderr}`);
    token = /flotilla swarm join --token (\S+) (\S+)/.exec(init.stdout)!;
  }, 240_000);

  afterAll(async () => {
    for (const [i, h] of hosts.entries()) await flotillaOn(h, ['swarm', 'leave', '--force', '--data-dir', dirs[i]]).catch(() => undefined);
    await hostsDown(SET);
    redis?.kill('SIGKILL');
    for (const d of [...dirs, work]) rmSync(d, { recursive: true, force: true });
  }, 240_000);

  it('docker swarm update --cert-expiry sets the lifetime; below the floor it is refused in dockerd’s words', async () => {
    const low = await docker(['swarm', 'update', '--cert-expiry', '5s']);
    expect(low.code).toBe(1);
    expect(low.stderr.trim()).toBe('Error response from daemon: rpc error: code = InvalidArgument desc = minimum certificate expiry time is: 10s');
    const ok = await docker(['swarm', 'update', '--cert-expiry', '30s']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('Swarm updated.\n');
    const info = await docker(['info', '--format', '{{.Swarm.Cluster.Spec.CAConfig.NodeCertExpiry}}']);
    expect(info.stdout.trim(), info.stderr).toBe('30s');
  }, 60_000);

  it('a worker that joins renews its certificate over mutual TLS, again and again, with a fresh key', async () => {
    const j = await flotillaOn(hosts[1], ['swarm', 'join', '--token', token[1], token[2], '--data-dir', dirs[1]], nodeEnv);
    expect(j.code, j.stderr).toBe(0);
    const first = workerCert();
    copyFileSync(join(dirs[1], 'tls', 'cert.pem'), join(work, 'first-cert.pem'));
    copyFileSync(join(dirs[1], 'tls', 'key.pem'), join(work, 'first-key.pem'));
    // 30 s of life, counted from now (the certificate is back-dated an hour for clock skew).
    expect(Date.parse(first.validTo) - Date.now()).toBeLessThanOrEqual(31_000);
    const serials = new Set([first.serialNumber]);
    await eventually(async () => {
      serials.add(workerCert().serialNumber);
      return serials.size >= 3;
    }, 'two renewals of the worker certificate', 90_000, 500);
    const now = workerCert();
    expect(now.publicKey.export({ type: 'spki', format: 'der' }).equals(first.publicKey.export({ type: 'spki', format: 'der' }))).toBe(false);
    expect(now.checkIssued(new X509Certificate(readFileSync(join(dirs[0], 'tls', 'ca.pem'))))).toBe(true);
    expect(now.subject).toBe(first.subject);
  }, 150_000);

  it('past its first certificate’s expiry the worker still runs what it is given', async () => {
    const first = new X509Certificate(readFileSync(join(work, 'first-cert.pem')));
    await eventually(async () => Date.now() > Date.parse(first.validTo) + 2000, 'the first certificate expired', 60_000, 500);
    const c = await docker(['service', 'create', '--detach', '--name', svc, '--replicas', '2', '--constraint', `node.hostname==${hosts[1].name}`, 'flotilla/busybox:latest', 'sleep', '600']);
    expect(c.code, c.stderr).toBe(0);
    await eventually(async () => (await hosts[1].docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`], status: ['running'] } })).length === 2, 'two tasks on the worker', 90_000);
    const ls = await docker(['node', 'ls', '--format', '{{.Hostname}} {{.Status}}']);
    expect(ls.stdout).toContain(`${hosts[1].name} Ready`);
  }, 150_000);

  it('the expired certificate is refused, saying so', async () => {
    const r = await runCommand('nsenter', [`--net=/var/run/netns/${hosts[1].name}`, 'curl', '-sS', '-m', '10', '--cacert', join(dirs[0], 'tls', 'ca.pem'),
      '--cert', join(work, 'first-cert.pem'), '--key', join(work, 'first-key.pem'), `https://${hosts[0].ip}:2377/flotilla/v1/nodes/x/assignments`]);
    expect(r.stdout).toMatch(/a client certificate signed by this swarm’s CA is required: .*not valid now/);
  }, 60_000);
});
