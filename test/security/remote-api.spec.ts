import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flotillaOn, hostsDown, hostsUp, type Host, type HostSet } from '../support/hosts';
import { runCommand } from '../support/cli';
import { eventually } from '../support/docker';
import { freePort } from '../support/ports';

const SET: HostSet = { prefix: 'tah', net: '10.233.0', bridge: 'tahbr0', state: '/var/lib/tah' };
const isRoot = process.getuid?.() === 0;
/** No plain-HTTP escape here: this suite is about what other hosts get. */
const STRICT = { FLOTILLA_API_REMOTE_PLAIN: '0' };

/**
 * The remote API (issue 13 point 5): a manager on one netns host with --api-remote, a worker on
 * another. From the worker's host, the stock docker CLI works with `flotilla swarm client-cert`'s
 * files; plain HTTP, TLS without a certificate, a worker's certificate and a client certificate on
 * node and Raft paths get nothing but the reason. A manager without --api-remote serves a client
 * certificate nothing from another host.
 */
describe.skipIf(!isRoot)('the remote API over TLS with client certificates', () => {
  let hosts: Host[] = [];
  const dirs: string[] = [];
  let redis: ChildProcess | undefined;
  const work = mkdtempSync(join(tmpdir(), 'flotilla-tah-'));
  const certs = join(work, 'client');
  const svc = `ra${process.pid}`;
  let nodeEnv: Record<string, string> = {};
  let managerIp = '';
  /** A command run on host `h` (its network namespace): another host than the manager's for h > 0. */
  const on = (h: Host, cmd: string, args: string[], env: Record<string, string> = {}) =>
    runCommand('nsenter', [`--net=/var/run/netns/${h.name}`, cmd, ...args], { env: { ...process.env, ...env }, timeoutMs: 60_000 });
  const tlsDocker = (args: string[]) =>
    on(hosts[1], 'docker', args, { DOCKER_HOST: `tcp://${managerIp}:2377`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
  /** curl from the worker's host; prints the body, then the status on a line of its own. */
  const curl = async (args: string[]) => {
    const r = await on(hosts[1], 'curl', ['-sS', '-m', '10', '-w', '\n%{http_code}', ...args]);
    const lines = r.stdout.split('\n');
    return { status: Number(lines.pop()), body: lines.join('\n'), stderr: r.stderr, code: r.code };
  };

  beforeAll(async () => {
    await hostsDown(SET);
    hosts = await hostsUp(2, SET);
    managerIp = hosts[0].ip;
    const pass = randomBytes(12).toString('hex');
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', `${SET.net}.1`, '--requirepass', pass, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    nodeEnv = { REDIS_URL: `redis://:${pass}@${SET.net}.1:${port}`, FLOTILLA_HEARTBEAT_MS: '500', ...STRICT };
    for (let i = 0; i < 3; i++) dirs.push(mkdtempSync(join(tmpdir(), 'flotilla-tah-node-')));
    const init = await flotillaOn(hosts[0], ['swarm', 'init', '--advertise-addr', managerIp, '--data-dir', dirs[0], '--api-remote'], nodeEnv);
    if (init.code !== 0) throw new Error(`swarm init failed: ${init.stderr}`);
    const token = /flotilla swarm join --token (\S+) (\S+)/.exec(init.stdout)!;
    const join1 = await flotillaOn(hosts[1], ['swarm', 'join', '--token', token[1], token[2], '--data-dir', dirs[1]], nodeEnv);
    if (join1.code !== 0) throw new Error(`swarm join failed: ${join1.stderr}`);
  }, 240_000);

  afterAll(async () => {
    for (const [i, h] of hosts.entries()) await flotillaOn(h, ['swarm', 'leave', '--force', '--data-dir', dirs[i]]).catch(() => undefined);
    await hostsDown(SET);
    redis?.kill('SIGKILL');
    for (const d of [...dirs, work]) rmSync(d, { recursive: true, force: true });
  }, 240_000);

  it('client-cert on the manager writes ca.pem, cert.pem and key.pem (0600) of the swarm CA', async () => {
    const r = await flotillaOn(hosts[0], ['swarm', 'client-cert', '--out', certs, '--name', 'alice'], STRICT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Client certificate written to ${certs}`);
    const ca = (await on(hosts[0], 'docker', ['swarm', 'ca'], { DOCKER_HOST: 'tcp://127.0.0.1:2377' })).stdout;
    expect(readFileSync(join(certs, 'ca.pem'), 'utf8').trim()).toBe(ca.trim());
    const subject = await runCommand('openssl', ['x509', '-noout', '-subject', '-in', join(certs, 'cert.pem')]);
    expect(subject.stdout).toMatch(/CN ?= ?alice, OU ?= ?swarm-client, O ?= ?[a-z0-9]+/);
    expect(statSync(join(certs, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(certs, 'key.pem'), 'utf8')).toContain('PRIVATE KEY');
  }, 60_000);

  it('from another host the stock docker CLI works with those files: node ls, service create/ls/rm', async () => {
    const ls = await eventually(async () => {
      const r = await tlsDocker(['node', 'ls', '--format', '{{.Hostname}} {{.Status}}']);
      if (r.code !== 0) throw new Error(r.stderr);
      return r.stdout.split('\n').filter((l) => /Ready/.test(l)).length === 2 && r.stdout;
    }, 'node ls over TLS listing both nodes', 60_000);
    expect(ls).toContain(hosts[0].name);
    expect(ls).toContain(hosts[1].name);
    const c = await tlsDocker(['service', 'create', '--detach', '--name', svc, '--replicas', '2', 'flotilla/busybox:latest', 'sleep', '600']);
    expect(c.code, c.stderr).toBe(0);
    const sls = await tlsDocker(['service', 'ls', '--format', '{{.Name}} {{.Mode}}']);
    expect(sls.stdout).toContain(`${svc} replicated`);
    await eventually(async () => {
      const r = await tlsDocker(['service', 'ps', svc, '--format', '{{.CurrentState}}']);
      return r.stdout.split('\n').filter((l) => l.startsWith('Running')).length === 2;
    }, 'both tasks running', 90_000);
    const rm = await tlsDocker(['service', 'rm', svc]);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout.trim()).toBe(svc);
    expect((await tlsDocker(['service', 'ls', '-q', '--filter', `name=${svc}`])).stdout.trim()).toBe('');
  }, 240_000);

  it('plain HTTP from another host gets a 403 naming mutual TLS, the docker CLI too', async () => {
    const r = await curl([`http://${managerIp}:2377/v1.41/nodes`]);
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/takes connections from other hosts over mutual TLS only/);
    const d = await on(hosts[1], 'docker', ['node', 'ls'], { DOCKER_HOST: `tcp://${managerIp}:2377` });
    expect(d.code).not.toBe(0);
    expect(d.stderr).toMatch(/mutual TLS only/);
  }, 60_000);

  it('TLS without a client certificate gets a 401 saying one is required', async () => {
    const r = await curl(['--cacert', join(certs, 'ca.pem'), `https://${managerIp}:2377/v1.41/nodes`]);
    expect(r.status, r.stderr).toBe(401);
    expect(r.body).toContain('a client certificate signed by this swarm’s CA is required: no client certificate was presented');
    const d = await on(hosts[1], 'docker', ['--tls', '--tlscacert', join(certs, 'ca.pem'), '-H', `tcp://${managerIp}:2377`, 'node', 'ls']);
    expect(d.code).not.toBe(0);
    expect(d.stderr).toMatch(/client certificate signed by this swarm’s CA is required/);
  }, 60_000);

  it('a worker’s node certificate does not open the user API', async () => {
    const tls = join(dirs[1], 'tls');
    const r = await curl(['--cacert', join(certs, 'ca.pem'), '--cert', join(tls, 'cert.pem'), '--key', join(tls, 'key.pem'), `https://${managerIp}:2377/v1.41/nodes`]);
    expect(r.status, r.stderr).toBe(403);
    expect(r.body).toMatch(/holds a worker certificate: the API takes TLS with a client certificate/);
  }, 60_000);

  it('a client certificate is refused on node and Raft links, and cannot mint another', async () => {
    const mine = ['--cacert', join(certs, 'ca.pem'), '--cert', join(certs, 'cert.pem'), '--key', join(certs, 'key.pem')];
    const node = await curl([...mine, `https://${managerIp}:2377/flotilla/v1/nodes/x/assignments`]);
    expect(node.status, node.stderr).toBe(403);
    expect(node.body).toMatch(/client certificate \(OU=swarm-client\), not a node certificate: it cannot be used for node or manager links/);
    const raft = await curl([...mine, '--http1.1', '-H', 'Connection: Upgrade', '-H', 'Upgrade: flotilla-raft', `https://${managerIp}:2377/flotilla/v1/raft`]);
    expect(raft.status, raft.stderr).toBe(403);
    expect(raft.body).toMatch(/not a node certificate/);
    const mint = await curl([...mine, '-X', 'POST', '-H', 'content-type: application/json', '-d', '{"publicKeyPem":"x"}', `https://${managerIp}:2377/flotilla/v1/client-cert`]);
    expect(mint.status).toBe(401);
    expect(mint.body).toMatch(/issued to this host only/);
  }, 60_000);

  it('without --api-remote a client certificate gets nothing from another host', async () => {
    const left = await flotillaOn(hosts[0], ['swarm', 'leave', '--force', '--data-dir', dirs[0]], STRICT);
    expect(left.code, left.stderr).toBe(0);
    const init = await flotillaOn(hosts[0], ['swarm', 'init', '--advertise-addr', managerIp, '--data-dir', dirs[2]], nodeEnv);
    expect(init.code, init.stderr).toBe(0);
    dirs[0] = dirs[2];
    const local = join(work, 'local');
    const cc = await flotillaOn(hosts[0], ['swarm', 'client-cert', '--out', local], STRICT);
    expect(cc.code, cc.stderr).toBe(0);
    const d = await on(hosts[1], 'docker', ['node', 'ls'], { DOCKER_HOST: `tcp://${managerIp}:2377`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: local });
    expect(d.code).not.toBe(0);
    expect(d.stderr).toMatch(/serves its API to its own host only; start it with --api-remote/);
    // On its own host (loopback: the certificate names 127.0.0.1 too), the same files work.
    const here = await on(hosts[0], 'docker', ['node', 'ls', '-q'], { DOCKER_HOST: 'tcp://127.0.0.1:2377', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: local });
    expect(here.code, here.stderr).toBe(0);
  }, 120_000);
});
