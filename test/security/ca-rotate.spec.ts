import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caDigest } from '@flotilla/pki';
import { parseJoinToken } from '@flotilla/contracts';
import { flotillaOn, type Host, type HostSet } from '../support/hosts';
import { netnsCluster, type NetnsCluster } from '../support/netns-cluster';
import { runCommand } from '../support/cli';
import { eventually } from '../support/docker';

const SET: HostSet = { prefix: 'roh', net: '10.245.0', bridge: 'rohbr0', state: '/var/lib/roh' };
const isRoot = process.getuid?.() === 0;
const recorded = JSON.parse(readFileSync(join(__dirname, 'ca-rotate.docker.json'), 'utf8')).caRotate as { pipedOutput: string };

/**
 * What `docker swarm ca --rotate` prints when piped, reduced to its shape: the three empty progress
 * labels, the desired root digests (repeats folded, hex masked) and the new root's PEM.
 */
function shape(out: string): string[] {
  const masked = out
    .replace(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g, '<PEM>\n')
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<hex>')
    .split('\n');
  return masked.filter((l, i) => l !== '' && l !== masked[i - 1]);
}

/**
 * Root CA rotation (issue 13 point 1), one manager and one worker on netns hosts: the stock docker
 * CLI rotates, prints what dockerd's swarm prints (recorded in ca-rotate.docker.json), both nodes
 * end with certificates of the new root and trust only it, the join tokens name the new root, the
 * worker still runs what it is given, and a certificate of the old root is refused.
 */
describe.skipIf(!isRoot)('docker swarm ca --rotate', () => {
  let cluster: NetnsCluster | undefined;
  let hosts: Host[] = [];
  let dirs: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'flotilla-roh-rotate-'));
  const svc = `ro${process.pid}`;
  let oldRoot = '';
  let oldToken = '';
  const docker = (args: string[]) =>
    runCommand('nsenter', [`--net=/var/run/netns/${hosts[0].name}`, 'docker', ...args], { env: { ...process.env, DOCKER_HOST: 'tcp://127.0.0.1:2377' }, timeoutMs: 120_000 });
  const pem = (i: number, f: string) => readFileSync(join(dirs[i], 'tls', f), 'utf8');

  beforeAll(async () => {
    cluster = await netnsCluster(SET, 2);
    ({ hosts, dirs } = cluster);
    oldToken = (await docker(['swarm', 'join-token', '-q', 'worker'])).stdout.trim();
    oldRoot = pem(0, 'ca.pem');
    copyFileSync(join(dirs[1], 'tls', 'cert.pem'), join(work, 'old-cert.pem'));
    copyFileSync(join(dirs[1], 'tls', 'key.pem'), join(work, 'old-key.pem'));
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 240_000);

  it('the stock CLI rotates and prints what dockerd’s swarm prints, ending with the new root', async () => {
    // Both nodes have reported their TLS state before the rotation starts (as Docker's nodes always have).
    await eventually(async () => {
      const ls = await docker(['node', 'ls', '-q']);
      const ids = ls.stdout.trim().split('\n').filter(Boolean);
      if (ids.length !== 2) return false;
      const ins = await docker(['node', 'inspect', '--format', '{{len .Description.TLSInfo.TrustRoot}}', ...ids]);
      return ins.stdout.trim().split('\n').every((n) => Number(n) > 0);
    }, 'both nodes report their TLS state', 30_000, 300);
    const r = await docker(['swarm', 'ca', '--rotate']);
    expect(r.code, r.stderr).toBe(0);
    expect(shape(r.stdout)).toEqual(shape(recorded.pipedOutput));
    const printed = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(r.stdout)![0];
    expect(caDigest(printed)).not.toBe(caDigest(oldRoot));
    const digests = [...r.stdout.matchAll(/desired root digest: (sha256:[0-9a-f]{64})/g)].map((m) => m[1]);
    // The last digest the CLI showed is the new root's (sha256 of the PEM the cluster holds).
    const { createHash } = await import('node:crypto');
    const ca = await docker(['swarm', 'ca']);
    expect(ca.stdout.trim()).toBe(printed.trim());
    expect(digests.at(-1)).toBe(`sha256:${createHash('sha256').update((await docker(['info', '--format', '{{.Swarm.Cluster.TLSInfo.TrustRoot}}'])).stdout.replace(/\n$/, '')).digest('hex')}`);
    const info = await docker(['info', '--format', '{{.Swarm.Cluster.RootRotationInProgress}}']);
    expect(info.stdout.trim()).toBe('false');
  }, 180_000);

  it('both nodes hold certificates of the new root and trust only it; the join tokens name it', async () => {
    const root = (await docker(['swarm', 'ca'])).stdout;
    const newRoot = new X509Certificate(root);
    for (const i of [0, 1]) {
      await eventually(async () => caDigest(pem(i, 'ca.pem')) === caDigest(root) && new X509Certificate(pem(i, 'ca.pem')).toString() === newRoot.toString(), `node ${i} trusts only the new root`, 30_000, 300);
      const cert = new X509Certificate(pem(i, 'cert.pem'));
      expect(cert.checkIssued(newRoot) && cert.verify(newRoot.publicKey)).toBe(true);
    }
    const worker = (await docker(['swarm', 'join-token', '-q', 'worker'])).stdout.trim();
    // As swarmkit's reconciler: new tokens whose digest is the new root's; the old ones are void.
    expect(parseJoinToken(worker)!.fingerprint).toBe(caDigest(root));
    expect(parseJoinToken(oldToken)!.fingerprint).not.toBe(caDigest(root));
  }, 60_000);

  it('the worker keeps working: a service scales on it afterwards', async () => {
    const c = await docker(['service', 'create', '--detach', '--name', svc, '--replicas', '1', '--constraint', `node.hostname==${hosts[1].name}`, 'flotilla/busybox:latest', 'sleep', '600']);
    expect(c.code, c.stderr).toBe(0);
    const s = await docker(['service', 'scale', '--detach', `${svc}=2`]);
    expect(s.code, s.stderr).toBe(0);
    await eventually(async () => (await hosts[1].docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`], status: ['running'] } })).length === 2, 'two tasks on the worker', 90_000);
    const ls = await docker(['node', 'ls', '--format', '{{.Hostname}} {{.Status}}']);
    expect(ls.stdout).toContain(`${hosts[1].name} Ready`);
  }, 150_000);

  it('a certificate of the old root is refused, saying so', async () => {
    const r = await runCommand('nsenter', [`--net=/var/run/netns/${hosts[1].name}`, 'curl', '-sS', '-m', '10', '--cacert', join(dirs[1], 'tls', 'ca.pem'),
      '--cert', join(work, 'old-cert.pem'), '--key', join(work, 'old-key.pem'), `https://${hosts[0].ip}:2377/flotilla/v1/nodes/x/assignments`]);
    expect(r.stdout).toContain('a client certificate signed by this swarm’s CA is required: certificate not signed by this cluster’s CA');
  }, 60_000);

  it('flotilla swarm ca --rotate rotates again, with the same progress lines, and prints the newer root', async () => {
    const before = (await docker(['swarm', 'ca'])).stdout.trim();
    const r = await flotillaOn(hosts[0], ['swarm', 'ca', '--rotate']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('  rotated TLS certificates:  2/2 nodes');
    expect(lines).toContain('  rotated CA certificates:   2/2 nodes');
    const printed = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(r.stdout)![0];
    expect(printed).not.toBe(before);
    expect((await docker(['swarm', 'ca'])).stdout.trim()).toBe(printed.trim());
    expect(new X509Certificate(pem(1, 'cert.pem')).checkIssued(new X509Certificate(printed))).toBe(true);
  }, 120_000);
});
