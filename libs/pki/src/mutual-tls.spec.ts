import { describe, expect, it } from 'vitest';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createRootCA, generateKeyPair, issueNodeCertificate, peerIdentity, type NodeRole, type RootCA } from './index';

const NOW = Date.now();

async function nodeCreds(ca: RootCA, nodeId: string, role: NodeRole) {
  const k = generateKeyPair();
  return { key: k.keyPem, cert: await issueNodeCertificate(ca, { publicKeyPem: k.publicKeyPem, nodeId, role, clusterId: 'cl1' }, NOW) };
}

/** A TLS server that wants a client certificate from the cluster; resolves with what each side saw. */
async function handshake(serverCa: RootCA, server: { key: string; cert: string }, clientCa: RootCA, client: { key: string; cert: string }) {
  const srv = tls.createServer({ ...server, ca: [serverCa.certPem], requestCert: true, rejectUnauthorized: true });
  const seen = new Promise<string>((resolve) => srv.on('secureConnection', (s) => resolve(peerIdentity(s.getPeerCertificate().raw).nodeId)));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const port = (srv.address() as AddressInfo).port;
    const sock = tls.connect({ host: '127.0.0.1', port, ...client, ca: [clientCa.certPem], servername: 'swarm-manager' });
    const result = await new Promise<{ ok: boolean; err?: string; serverIdentity?: ReturnType<typeof peerIdentity> }>((resolve) => {
      sock.once('secureConnect', () => resolve({ ok: true, serverIdentity: peerIdentity(sock.getPeerCertificate().raw) }));
      sock.once('error', (e) => resolve({ ok: false, err: e.message }));
    });
    // TLS 1.3: the server judges the client certificate after the client's handshake ends.
    const closed = new Promise<string>((r) => sock.once('close', () => r('closed')));
    const serverSaw = result.ok ? await Promise.race([seen, closed]) : undefined;
    sock.destroy();
    return { ...result, serverSaw };
  } finally {
    srv.close();
  }
}

describe('mutual TLS between nodes of one cluster (loopback)', async () => {
  const ca = await createRootCA(NOW);
  const manager = await nodeCreds(ca, 'mgr1', 'manager');
  const worker = await nodeCreds(ca, 'wrk1', 'worker');

  it('a worker and a manager of the cluster see each other’s identities', async () => {
    const r = await handshake(ca, manager, ca, worker);
    expect(r.ok, r.err).toBe(true);
    expect(r.serverSaw).toBe('wrk1');
    expect(r.serverIdentity).toMatchObject({ nodeId: 'mgr1', role: 'manager' });
  });

  it('a client whose certificate another CA signed is turned away', async () => {
    const other = await createRootCA(NOW);
    const stranger = await nodeCreds(other, 'wrk2', 'worker');
    const r = await handshake(ca, manager, ca, stranger);
    expect(r.serverSaw ?? 'closed').toBe('closed');
  });

  it('a worker certificate cannot pass for a manager (the name swarm-manager is checked)', async () => {
    const r = await handshake(ca, worker, ca, manager);
    expect(r.ok).toBe(false);
    expect(r.err).toMatch(/swarm-manager/);
  });
});
