import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { createRootCA, generateKeyPair, issueNodeCertificate, verifyNodeCertificate } from './index';

const NOW = Date.parse('2026-12-04T00:00:00Z');
const DAY = 86_400_000;

describe('cluster CA and node certificates', async () => {
  const ca = await createRootCA(NOW);
  const node = generateKeyPair();
  const req = { publicKeyPem: node.publicKeyPem, nodeId: 'n1abc', role: 'worker' as const, clusterId: 'c9xyz' };

  it('the root is a self-signed CA named swarm-ca', () => {
    const c = new X509Certificate(ca.certPem);
    expect(c.subject).toBe('CN=swarm-ca');
    expect(c.ca).toBe(true);
    expect(c.verify(c.publicKey)).toBe(true);
  });

  it('a node certificate names node, role and cluster, for the node’s own key, valid 90 days', async () => {
    const pem = await issueNodeCertificate(ca, req, NOW);
    const c = new X509Certificate(pem);
    expect(c.subject).toBe('CN=n1abc\nOU=swarm-worker\nO=c9xyz');
    expect(c.subjectAltName).toBe('DNS:swarm-worker, DNS:n1abc');
    expect(c.checkPrivateKey((await import('node:crypto')).createPrivateKey(node.keyPem))).toBe(true);
    expect(c.ca).toBe(false);
    const id = verifyNodeCertificate(pem, ca.certPem, NOW);
    expect(id).toMatchObject({ nodeId: 'n1abc', role: 'worker', clusterId: 'c9xyz' });
    expect(id.notAfter - NOW).toBe(90 * DAY);
    expect(NOW - id.notBefore).toBeGreaterThan(0); // backdated for clock skew
  });

  it('names the addresses and host name it is reached at (the docker CLI checks the address), dropping junk', async () => {
    const pem = await issueNodeCertificate(ca, { ...req, role: 'manager', reachableAt: { ips: ['10.1.2.3', '10.1.2.3', 'nope'], dns: ['host-1', 'bad name'] } }, NOW);
    expect(new X509Certificate(pem).subjectAltName).toBe('DNS:swarm-manager, DNS:n1abc, DNS:host-1, IP Address:10.1.2.3');
  });
  it('a manager certificate says swarm-manager', async () => {
    const pem = await issueNodeCertificate(ca, { ...req, role: 'manager' }, NOW);
    expect(verifyNodeCertificate(pem, ca.certPem, NOW).role).toBe('manager');
  });

  it('another cluster’s CA, an expired certificate, a tampered one are refused with what is wrong', async () => {
    const pem = await issueNodeCertificate(ca, req, NOW);
    const other = await createRootCA(NOW);
    expect(() => verifyNodeCertificate(pem, other.certPem, NOW)).toThrow(/not signed by this cluster/);
    expect(() => verifyNodeCertificate(pem, ca.certPem, NOW + 91 * DAY)).toThrow(/node n1abc is not valid now/);
    const self = await issueNodeCertificate({ certPem: other.certPem, keyPem: other.keyPem }, req, NOW);
    expect(() => verifyNodeCertificate(self, ca.certPem, NOW)).toThrow(/not signed by this cluster/);
    expect(() => verifyNodeCertificate('junk', ca.certPem, NOW)).toThrow(/unreadable certificate/);
  });

  it('never outlives the root', async () => {
    const shortRoot = await createRootCA(NOW, 10 * DAY);
    const pem = await issueNodeCertificate(shortRoot, req, NOW);
    expect(verifyNodeCertificate(pem, shortRoot.certPem, NOW).notAfter).toBe(Date.parse(new X509Certificate(shortRoot.certPem).validTo));
  });

  it.each([
    ['a node id with a comma', { nodeId: 'a,OU=swarm-manager' }, /bad node id/],
    ['an upper-case cluster id', { clusterId: 'ABC' }, /bad cluster id/],
    ['an unknown role', { role: 'admin' }, /bad role/],
    ['an RSA key', { publicKeyPem: 'rsa' }, /not a public key|EC P-256/],
  ])('refuses to certify %s', async (_n, patch, want) => {
    const p = { ...req, ...patch } as typeof req;
    if (p.publicKeyPem === 'rsa') {
      const { generateKeyPairSync } = await import('node:crypto');
      p.publicKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    }
    await expect(issueNodeCertificate(ca, p, NOW)).rejects.toThrow(want);
  });
});
