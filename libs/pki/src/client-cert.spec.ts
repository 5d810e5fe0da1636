import { describe, expect, it } from 'vitest';
import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createRootCA, generateKeyPair, issueClientCertificate, issueNodeCertificate, peerHolder, peerIdentity, verifyClusterCertificate, verifyNodeCertificate } from './index';

const NOW = Date.now();

describe('client certificates (flotilla swarm client-cert)', async () => {
  const ca = await createRootCA(NOW);
  const user = generateKeyPair();
  const certPem = await issueClientCertificate(ca, { publicKeyPem: user.publicKeyPem, name: 'alice', clusterId: 'cl1' }, NOW);

  it('names the user, OU=swarm-client and the cluster, for the client end of TLS only', () => {
    const c = new X509Certificate(certPem);
    expect(c.subject.split('\n')).toEqual(['CN=alice', 'OU=swarm-client', 'O=cl1']);
    expect(c.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(c.subjectAltName).toBeUndefined();
    expect(c.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });

  it('verifies as the cluster’s, as a client', () => {
    expect(verifyClusterCertificate(certPem, ca.certPem, NOW)).toMatchObject({ kind: 'client', client: { name: 'alice', clusterId: 'cl1' } });
    expect(peerHolder(new X509Certificate(certPem).raw)).toMatchObject({ kind: 'client' });
  });

  it('is not a node certificate, and says so', () => {
    expect(() => verifyNodeCertificate(certPem, ca.certPem, NOW)).toThrow(/client certificate \(OU=swarm-client, CN=alice\) is not a node certificate/);
    expect(() => peerIdentity(new X509Certificate(certPem).raw)).toThrow(/not a node certificate/);
  });

  it('another CA’s client certificate is not the cluster’s', async () => {
    const other = await createRootCA(NOW);
    const foreign = await issueClientCertificate(other, { publicKeyPem: user.publicKeyPem, name: 'mallory', clusterId: 'cl1' }, NOW);
    expect(() => verifyClusterCertificate(foreign, ca.certPem, NOW)).toThrow(/not signed by this cluster’s CA/);
  });

  it('expires as a node certificate does', () => {
    expect(() => verifyClusterCertificate(certPem, ca.certPem, NOW + 91 * 86_400_000)).toThrow(/client alice is not valid now/);
  });

  it.each(['', 'a b', 'x'.repeat(65), 'CN=root', '../x'])('refuses the name %j', async (name) => {
    await expect(issueClientCertificate(ca, { publicKeyPem: user.publicKeyPem, name, clusterId: 'cl1' }, NOW)).rejects.toThrow(/bad client name/);
  });

  it('cannot serve as a manager: a node dialling swarm-manager refuses it', async () => {
    const srv = tls.createServer({ key: user.keyPem, cert: certPem });
    srv.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const node = generateKeyPair();
      const nodeCert = await issueNodeCertificate(ca, { publicKeyPem: node.publicKeyPem, nodeId: 'w1', role: 'worker', clusterId: 'cl1' }, NOW);
      const port = (srv.address() as AddressInfo).port;
      const err = await new Promise<string>((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port, key: node.keyPem, cert: nodeCert, ca: [ca.certPem], servername: 'swarm-manager' });
        s.once('secureConnect', () => resolve('connected'));
        s.once('error', (e) => resolve(e.message));
      });
      expect(err).not.toBe('connected');
    } finally {
      srv.close();
    }
  });
});

describe('verifying against a trust bundle (a root rotation)', async () => {
  const oldRoot = await createRootCA(NOW);
  const newRoot = await createRootCA(NOW);
  const k = generateKeyPair();
  const fromOld = await issueNodeCertificate(oldRoot, { publicKeyPem: k.publicKeyPem, nodeId: 'w1', role: 'worker', clusterId: 'cl1' }, NOW);
  const fromNew = await issueNodeCertificate(newRoot, { publicKeyPem: k.publicKeyPem, nodeId: 'w1', role: 'worker', clusterId: 'cl1' }, NOW);
  const both = `${oldRoot.certPem.trim()}\n${newRoot.certPem.trim()}\n`;

  it('accepts a certificate of either root while both are trusted', () => {
    expect(verifyClusterCertificate(fromOld, both, NOW)).toMatchObject({ kind: 'node' });
    expect(verifyClusterCertificate(fromNew, both, NOW)).toMatchObject({ kind: 'node' });
  });
  it('refuses the old root’s certificate once only the new root is trusted', () => {
    expect(() => verifyClusterCertificate(fromOld, newRoot.certPem, NOW)).toThrow(/not signed by this cluster’s CA/);
    expect(verifyClusterCertificate(fromNew, newRoot.certPem, NOW)).toMatchObject({ kind: 'node', node: { nodeId: 'w1' } });
  });
});
