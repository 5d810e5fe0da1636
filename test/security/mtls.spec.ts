import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { QUEUE_PREFIX } from '@flotilla/contracts';
import { createRootCA, generateKeyPair, issueNodeCertificate } from '@flotilla/pki';
import { flotillaOn, hostsDown, hostsUp, type Host, type HostSet } from '../support/hosts';
import { runCommand } from '../support/cli';
import { eventually } from '../support/docker';
import { freePort } from '../support/ports';
import { findNeedles, searchTrees, secretForms, tmpfsMounts, type Needle } from '../support/leaks';
import { obtainCredentials } from '../../apps/worker/src/agent/manager-tls';
import type { NodeCredentials } from '../../apps/worker/src/agent/node-credentials';

const SET: HostSet = { prefix: 'tlh', net: '10.231.0', bridge: 'tlhbr0', state: '/var/lib/tlh' };
const isRoot = process.getuid?.() === 0;

/** A CA and a certificate for Redis at `ip`, made with openssl (Redis' own TLS, not the cluster's). */
function redisCertificates(dir: string, ip: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=flotilla test redis CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'redis.key', '-out', 'redis.csr', '-subj', `/CN=${ip}`);
  writeFileSync(join(dir, 'san.ext'), `subjectAltName=IP:${ip}\n`);
  ssl('x509', '-req', '-in', 'redis.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'redis.pem', '-days', '1', '-extfile', 'san.ext');
}

/** Every value of every key, by type, as bytes; and each key's DUMP (the serialised form). */
async function redisValues(r: Redis): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  let cursor = '0';
  do {
    const [next, keys] = await r.scanBuffer(cursor, 'COUNT', 500);
    cursor = next.toString();
    for (const k of keys) {
      const type = await r.type(k);
      const parts: Buffer[] = [k];
      if (type === 'string') parts.push((await r.getBuffer(k)) ?? Buffer.alloc(0));
      else if (type === 'hash') for (const [f, v] of Object.entries(await r.hgetallBuffer(k))) parts.push(Buffer.from(f), v);
      else if (type === 'list') parts.push(...(await r.lrangeBuffer(k, 0, -1)));
      else if (type === 'set') parts.push(...(await r.smembersBuffer(k)));
      else if (type === 'zset') parts.push(...(await r.zrangeBuffer(k, 0, -1)));
      else if (type === 'stream') parts.push(Buffer.from(JSON.stringify(await r.xrange(k, '-', '+'))));
      const dumped = await r.dumpBuffer(k);
      if (dumped) parts.push(dumped);
      out.set(k.toString('latin1'), Buffer.concat(parts));
    }
  } while (cursor !== '0');
  return out;
}

/** One HTTPS call to a manager, with the given client certificate (or none), trusting `ca`. */
function call(ip: string, path: string, o: { ca: string; creds?: Pick<NodeCredentials, 'cert' | 'key'>; method?: string; body?: unknown }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = https.request(
      { host: ip, port: 2377, path, method: o.method ?? 'GET', ca: [o.ca], servername: 'swarm-manager', agent: false, ...(o.creds ?? {}), headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.end(body);
  });
}

/**
 * Mutual TLS between hosts (issue 13 point 1): three managers on three netns hosts, their Redis run
 * with TLS and a password, the hosts' bridge captured while they join, a secret is created and a
 * service using it starts on another host, and the leader is killed. The capture holds no secret, no
 * join token, no plaintext HTTP, no plaintext Redis command; no data dir, engine data root, Redis key
 * or node log holds the secret, and no log a password or token. Then bogus credentials are tried,
 * each refused with its reason.
 */
describe.skipIf(!isRoot)('mutual TLS between hosts', () => {
  let hosts: Host[] = [];
  const dirs: string[] = [];
  let redis: ChildProcess | undefined;
  let redisPass = '';
  let redisPort = 0;
  let capture: ChildProcess | undefined;
  const work = mkdtempSync(join(tmpdir(), 'flotilla-tlh-'));
  const pcap = join(work, 'bridge.pcap');
  const secretValue = `s3cret-${randomBytes(12).toString('hex')}`;
  const svc = `tl${process.pid}`;
  let nodeEnv: Record<string, string> = {};
  let workerToken = '';
  let managerToken = '';
  const dockerOn = (h: Host, args: string[], input?: string) =>
    runCommand('nsenter', [`--net=/var/run/netns/${h.name}`, 'docker', ...args], { env: { ...process.env, DOCKER_HOST: 'tcp://127.0.0.1:2377' }, input, timeoutMs: 60_000 });
  const pidOf = (i: number) => Number(readFileSync(join(dirs[i], 'manager.pid'), 'utf8'));

  beforeAll(async () => {
    await hostsDown(SET);
    hosts = await hostsUp(3, SET);
    // Redis as a careful operator runs it: TLS only (no plain port) and a password.
    redisCertificates(work, `${SET.net}.1`);
    redisPass = randomBytes(12).toString('hex');
    redisPort = await freePort();
    redis = spawn('redis-server', [
      '--port', '0', '--tls-port', String(redisPort), '--bind', `${SET.net}.1`,
      '--tls-cert-file', join(work, 'redis.pem'), '--tls-key-file', join(work, 'redis.key'), '--tls-ca-cert-file', join(work, 'ca.pem'),
      '--tls-auth-clients', 'no', '--requirepass', redisPass, '--save', '', '--appendonly', 'no', '--dir', work,
    ], { stdio: 'ignore' });
    nodeEnv = { REDIS_URL: `rediss://:${redisPass}@${SET.net}.1:${redisPort}`, REDIS_CA: join(work, 'ca.pem'), FLOTILLA_HEARTBEAT_MS: '500' };
    await eventually(async () => {
      const r = await runCommand('redis-cli', ['--tls', '--cacert', join(work, 'ca.pem'), '-h', `${SET.net}.1`, '-p', String(redisPort), '--no-auth-warning', '-a', redisPass, 'ping']);
      if (r.stdout.trim() !== 'PONG') throw new Error(r.stdout + r.stderr);
      return true;
    }, 'redis-server with TLS', 15_000);
    for (const _ of hosts) dirs.push(mkdtempSync(join(tmpdir(), 'flotilla-tlh-node-')));
    capture = spawn('tcpdump', ['-i', SET.bridge, '-U', '-nn', '-s', '0', '-w', pcap], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      capture!.stderr!.on('data', (d: Buffer) => d.toString().includes('listening on') && resolve());
      capture!.once('exit', (c) => reject(new Error(`tcpdump exited ${c}`)));
    });
  }, 240_000);

  afterAll(async () => {
    capture?.kill('SIGINT');
    if (process.env.FLOTILLA_KEEP_TEST_DIRS) for (const [i, d] of dirs.entries()) spawnSync('sh', ['-c', `cp -r ${d} ${work}/node${i}`]);
    for (const [i, h] of hosts.entries()) await flotillaOn(h, ['swarm', 'leave', '--force', '--data-dir', dirs[i]]).catch(() => undefined);
    await hostsDown(SET);
    redis?.kill('SIGKILL');
    if (!process.env.FLOTILLA_KEEP_TEST_DIRS) for (const d of [...dirs, work]) rmSync(d, { recursive: true, force: true });
  }, 240_000);

  it('init creates the CA; the tokens carry its digest; nodes join over TLS and keep their keys 0600', async () => {
    const init = await flotillaOn(hosts[0], ['swarm', 'init', '--advertise-addr', hosts[0].ip, '--data-dir', dirs[0]], nodeEnv);
    expect(init.code, init.stderr).toBe(0);
    workerToken = /flotilla swarm join --token (\S+)/.exec(init.stdout)![1];
    const mt = await flotillaOn(hosts[0], ['swarm', 'join-token', 'manager'], { FLOTILLA_HOST: '127.0.0.1:2377' });
    managerToken = /flotilla swarm join --token (\S+)/.exec(mt.stdout)![1];
    // The root the manager serves is the one the token's digest names.
    const ca = (await dockerOn(hosts[0], ['swarm', 'ca'])).stdout;
    expect(ca).toContain('BEGIN CERTIFICATE');
    const { caDigest } = await import('@flotilla/pki');
    expect(workerToken).toBe(`SWMTKN-1-${caDigest(ca)}-${workerToken.split('-')[3]}`);
    for (const i of [1, 2]) {
      const j = await flotillaOn(hosts[i], ['swarm', 'join', '--token', managerToken, `${hosts[0].ip}:2377`, '--data-dir', dirs[i]], nodeEnv);
      expect(j.code, j.stderr).toBe(0);
    }
    const ls = await eventually(async () => {
      const r = await dockerOn(hosts[0], ['node', 'ls', '--format', '{{.Hostname}} {{.ManagerStatus}} {{.Status}}']);
      return r.stdout.split('\n').filter((l) => /Ready/.test(l) && /Leader|Reachable/.test(l)).length === 3 && r.stdout;
    }, 'three reachable managers', 90_000);
    expect(ls).toContain(hosts[2].name);
    for (const d of dirs) {
      const key = join(d, 'tls', 'key.pem');
      expect(readFileSync(key, 'utf8')).toContain('PRIVATE KEY');
      const { statSync } = await import('node:fs');
      expect(statSync(key).mode & 0o777).toBe(0o600);
    }
  }, 240_000);

  it('a secret reaches a service on another host; the leader dies and a follower takes over', async () => {
    const s = await dockerOn(hosts[0], ['secret', 'create', `${svc}s`, '-'], secretValue);
    expect(s.code, s.stderr).toBe(0);
    const c = await dockerOn(hosts[0], ['service', 'create', '--detach', '--name', svc, '--secret', `source=${svc}s,target=v`, '--constraint', `node.hostname==${hosts[2].name}`,
      // The task does not print its secret: its log (in the engine's data root) is searched below.
      'flotilla/busybox:latest', 'sleep', '600']);
    expect(c.code, c.stderr).toBe(0);
    const running = async () => (await hosts[2].docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`], status: ['running'] } })).length;
    await eventually(async () => (await running()) === 1, 'the task running on host 3', 90_000);
    const [x] = await hosts[2].docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`] } });
    const logs = await eventually(async () => {
      const r = await runCommand('docker', ['-H', hosts[2].dockerHost, 'exec', x.Id, 'cat', '/run/secrets/v']);
      if (r.stdout !== secretValue) throw new Error(`the task reads ${JSON.stringify(r.stdout + r.stderr)}`);
      return r.stdout;
    }, 'the task reading its secret', 30_000);
    expect(logs).toContain(secretValue);

    process.kill(pidOf(0), 'SIGKILL');
    // A follower leads; the cluster still takes writes (forwarded between managers over TLS if need be).
    await eventually(async () => {
      const r = await dockerOn(hosts[1], ['service', 'scale', '--detach', `${svc}=2`]);
      return r.code === 0;
    }, 'a write accepted after the leader died', 90_000);
    await eventually(async () => (await running()) === 2, 'two tasks with the secret on host 3', 90_000);
  }, 300_000);

  it('the capture of the bridge holds no secret, no join token, no plaintext HTTP, no plaintext Redis command', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    capture!.kill('SIGINT');
    await new Promise((r) => capture!.once('exit', r));
    const dump = await runCommand('tcpdump', ['-r', pcap, '-nn', '-A'], { timeoutMs: 120_000 });
    const text = dump.stdout;
    // The capture saw the managers' traffic (TLS on the manager port), so its silence means something.
    expect(text.split('\n').filter((l) => /\.2377[ :]/.test(l)).length).toBeGreaterThan(100);
    expect(text).not.toContain(secretValue);
    expect(text).not.toContain(Buffer.from(secretValue).toString('base64').slice(0, 24));
    expect(text).not.toContain('SWMTKN-1-');
    expect(text).not.toContain(workerToken.split('-')[3]);
    expect(text).not.toContain(managerToken.split('-')[3]);
    expect(text).not.toMatch(/HTTP\/1\.[01]|GET \/|POST \//);

    // The raw capture (payload bytes as sent, \r\n intact), for what `-A` would blur.
    const raw = readFileSync(pcap);
    // Redis was talked to (over TLS on its port), so finding nothing there means something.
    expect(text.split('\n').filter((l) => l.includes(`.${redisPort}`)).length, 'packets to or from Redis in the capture').toBeGreaterThan(100);
    const needles: Needle[] = [
      ...secretForms('the secret', secretValue),
      { what: 'the worker join token', bytes: Buffer.from(workerToken.split('-')[3]) },
      { what: 'the manager join token', bytes: Buffer.from(managerToken.split('-')[3]) },
      { what: 'the Redis password', bytes: Buffer.from(redisPass) },
      // BullMQ's key names: flotilla's queue prefix, and BullMQ's default one.
      { what: 'a BullMQ key name in clear', bytes: Buffer.from(`${QUEUE_PREFIX}:node-`) },
      { what: 'a BullMQ key name in clear', bytes: Buffer.from('bull:') },
    ];
    // RESP framing of a command (`*N` then `$len` lines) and an AUTH, in clear: plaintext Redis.
    const latin = raw.toString('latin1');
    const framed = [/\*\d{1,3}\r\n\$\d{1,6}\r\n[A-Za-z]{3,}/.exec(latin), /\r\nauth\r\n/i.exec(latin)]
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `a plaintext Redis command in the bridge capture at byte ${m.index}: ${JSON.stringify(latin.slice(m.index, m.index + 60))}`);
    expect([...findNeedles(raw, needles, 'the bridge capture'), ...framed], 'found in the capture').toEqual([]);
  }, 180_000);

  it('after the run no data dir, engine data root or Redis key holds the secret, and no log a password or token', async () => {
    const secret = secretForms('the secret', secretValue);
    const tokens: Needle[] = [
      { what: 'the worker join token', bytes: Buffer.from(workerToken.split('-')[3]) },
      { what: 'the manager join token', bytes: Buffer.from(managerToken.split('-')[3]) },
    ];
    // The engines' roots as test/cluster/hosts.sh starts them (--data-root, --exec-root).
    const roots = [...dirs, ...hosts.flatMap((h) => [join(SET.state, h.name, 'data'), join(SET.state, h.name, 'exec')])];
    for (const r of roots) expect(existsSync(r), `${r} exists`).toBe(true);
    // While the tasks run: nothing on disk (the secret's own tmpfs is memory, and is skipped).
    const tmpfs = tmpfsMounts();
    const running = searchTrees(roots, secret, tmpfs);
    expect(running.found, 'the secret on disk while its tasks run').toEqual([]);
    // …and the same walk does find it where it should be: host 3's node's secrets tmpfs (under /run).
    const onTmpfs = join('/run/flotilla/secrets', readFileSync(join(dirs[2], 'worker', 'node-id'), 'utf8').trim());
    expect(tmpfs.has(onTmpfs), `${onTmpfs} is a tmpfs`).toBe(true);
    expect(searchTrees([onTmpfs], secret).found.length, `the secret's files in ${onTmpfs}`).toBeGreaterThan(0);

    // The service goes; its tasks' secret files go with it; then nothing anywhere, tmpfs included.
    const rm = await dockerOn(hosts[1], ['service', 'rm', svc]);
    expect(rm.code, rm.stderr).toBe(0);
    await eventually(async () => (await hosts[2].docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.name=${svc}`] } })).length === 0, 'the tasks gone from host 3', 60_000);
    const after = searchTrees([...roots, onTmpfs], secret);
    expect(after.found, 'the secret left behind after the run').toEqual([]);
    // The walk read the nodes' state (Raft WAL, keys, logs) and the engines' files, so its silence means something.
    expect(after.files).toBeGreaterThan(50);

    // Every Redis key, read over TLS with the password: by type, and its DUMP. Queues carry references only.
    const r = new Redis({ host: `${SET.net}.1`, port: redisPort, password: redisPass, tls: { ca: readFileSync(join(work, 'ca.pem')) }, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await r.connect();
      const values = await redisValues(r);
      expect(values.size, 'keys in Redis (the queues were used)').toBeGreaterThan(0);
      const found = [...values].flatMap(([k, v]) => findNeedles(v, [...secret, ...tokens], `Redis key ${k}`));
      expect(found, 'secrets in Redis').toEqual([]);
    } finally {
      r.disconnect();
    }

    // The nodes' logs (DATA_DIR/manager.log, worker.log: where the CLI starts them) print no password, token or secret.
    const logs = dirs.flatMap((d) => ['manager.log', 'worker.log'].map((f) => join(d, f))).filter((f) => existsSync(f));
    expect(logs.length, 'node logs found').toBeGreaterThanOrEqual(3);
    const words: Needle[] = [...secret, ...tokens, { what: 'the Redis password', bytes: Buffer.from(redisPass) }];
    expect(logs.flatMap((f) => findNeedles(readFileSync(f), words, f)), 'secrets in the node logs').toEqual([]);
  }, 180_000);

  it('refuses a bogus token, another CA, a worker certificate as a manager, a removed node, plain HTTP: each says why', async () => {
    const target = hosts[1];
    const addr = `${target.ip}:2377`;
    // A token with the right digest but a made-up secret.
    const bogus = `${workerToken.split('-').slice(0, 3).join('-')}-${'0'.repeat(25)}`;
    await expect(obtainCredentials(addr, { token: bogus })).rejects.toThrow(/invalid join token/);
    // A token naming another CA: refused before anything is sent.
    await expect(obtainCredentials(addr, { token: `SWMTKN-1-${'1'.repeat(50)}-${'0'.repeat(25)}` })).rejects.toThrow(/belongs to another cluster than this join token: its CA does not match the token's digest/);
    const j = await flotillaOn(hosts[0], ['swarm', 'join', '--token', bogus, addr, '--data-dir', join(work, 'bogus')]);
    expect(j.stderr).toMatch(/invalid join token/);

    const worker = await obtainCredentials(addr, { token: workerToken, role: 'worker' });
    const ca = worker.creds.ca;
    // Another CA's certificate.
    const other = await createRootCA(Date.now());
    const k = generateKeyPair();
    const stranger = { key: k.keyPem, cert: await issueNodeCertificate(other, { publicKeyPem: k.publicKeyPem, nodeId: worker.nodeId, role: 'manager', clusterId: 'x1' }, Date.now()) };
    const r1 = await call(target.ip, `/flotilla/v1/nodes/${worker.nodeId}/assignments`, { ca, creds: stranger });
    expect(r1.status).toBe(401);
    expect(r1.text).toMatch(/client certificate signed by this swarm’s CA is required: certificate not signed by this cluster’s CA/);
    // No certificate at all.
    const r2 = await call(target.ip, `/flotilla/v1/nodes/${worker.nodeId}/assignments`, { ca });
    expect(r2.text).toMatch(/client certificate signed by this swarm’s CA is required/);
    // A worker's certificate where a manager is needed.
    const r3 = await call(target.ip, '/flotilla/v1/managers/join', { ca, creds: worker.creds, method: 'POST', body: { token: managerToken, nodeId: worker.nodeId, addr: '10.9.9.9:2377', stage: 'learner' } });
    expect(r3.status).toBe(403);
    expect(r3.text).toMatch(/holds a worker certificate: only a manager/);
    // Registered, then removed: its certificate stops working.
    const reg = await call(target.ip, '/flotilla/v1/nodes/register', {
      ca, creds: worker.creds, method: 'POST',
      body: { nodeId: worker.nodeId, token: workerToken, role: 'worker', addr: '10.9.9.9', description: { Hostname: 'ghost', Platform: { Architecture: 'x86_64', OS: 'linux' }, Resources: { NanoCPUs: 1e9, MemoryBytes: 1e9 }, Engine: { EngineVersion: '0' } } },
    });
    expect(reg.status, reg.text).toBeLessThan(300);
    const rm = await dockerOn(target, ['node', 'rm', '--force', worker.nodeId]);
    expect(rm.code, rm.stderr).toBe(0);
    const r4 = await eventually(async () => {
      const r = await call(target.ip, `/flotilla/v1/nodes/${worker.nodeId}/assignments`, { ca, creds: worker.creds });
      return r.status === 403 && r;
    }, 'the removed node refused', 20_000);
    expect(r4.text).toMatch(/removed from the swarm: its certificate is revoked/);
    // Plain HTTP from another host: refused, saying TLS is required.
    const plain = await runCommand('curl', ['-s', '-m', '5', `http://${addr}/flotilla/v1/nodes/x/assignments`]);
    expect(plain.stdout).toMatch(/mutual TLS only/);
  }, 120_000);
});
