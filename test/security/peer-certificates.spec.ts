import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { Agent, request } from 'node:https';
import { createRootCA, generateKeyPair, issueNodeCertificate, type NodeRole, type RootCA } from '@flotilla/pki';
import { SniffingListener } from '../../apps/manager/src/tls/sniffing-listener';
import { judge, peerOf } from '../../apps/manager/src/tls/peer-access.middleware';
import type { Peer, PeerFacts } from '../../apps/manager/src/tls/peer-access';
import { freePort } from '../support/ports';

/**
 * The manager port's own TLS (the sniffing listener, real sockets on loopback) judging client
 * certificates: an expired one of this swarm's CA is refused and says so; a live one passes.
 */
const DAY = 86_400_000;
const facts: PeerFacts = { clusterId: 'c1', removed: () => false, isManager: () => false };

describe('client certificates on the manager port', () => {
  let ca: RootCA;
  let http: Server;
  let listener: SniffingListener;
  let port = 0;
  const creds = async (nodeId: string, role: NodeRole, issuedAt: number, ttlMs: number) => {
    const k = generateKeyPair();
    return { key: k.keyPem, cert: await issueNodeCertificate(ca, { publicKeyPem: k.publicKeyPem, nodeId, role, clusterId: 'c1' }, issuedAt, ttlMs) };
  };
  /** The peer each request was judged by, as the server read it off its connection. */
  const seen: Peer[] = [];
  const call = (path: string, c: { key: string; cert: string }, agent?: Agent) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent, ca: ca.certPem, key: c.key, cert: c.cert, servername: 'localhost', checkServerIdentity: () => undefined }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end();
    });

  beforeAll(async () => {
    ca = await createRootCA(Date.now());
    http = createServer((req, res) => {
      seen.push(peerOf(req.socket));
      const a = judge(req, facts, false);
      res.writeHead(a.ok ? 200 : a.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(a.ok ? { ok: true } : { message: a.message }));
    });
    const quiet = { log: () => undefined, error: () => undefined, warn: () => undefined, debug: () => undefined };
    listener = new SniffingListener(http, false, quiet);
    listener.useCredentials({ ca: ca.certPem, ...(await creds('m1', 'manager', Date.now(), 90 * DAY)) });
    port = await freePort();
    await listener.listen(port, '127.0.0.1');
  });

  afterAll(() => listener?.close());

  it('a live node certificate of this swarm reaches the node protocol', async () => {
    const r = await call('/flotilla/v1/nodes/w1/assignments', await creds('w1', 'worker', Date.now(), 90 * DAY));
    expect(r.status, r.text).toBe(200);
  });

  it('an expired certificate of this swarm is refused, saying it is not valid now', async () => {
    // Issued 100 days ago for one day: signed by the right root, past its notAfter.
    const r = await call('/flotilla/v1/nodes/w2/assignments', await creds('w2', 'worker', Date.now() - 100 * DAY, DAY));
    expect(r.status).toBe(401);
    expect(r.text).toMatch(/a client certificate signed by this swarm’s CA is required: certificate of node w2 is not valid now \(valid .* to .*\)/);
  });

  it('a keep-alive connection is read once: its later requests are judged by the same peer; a new connection afresh', async () => {
    const c = await creds('w4', 'worker', Date.now(), 90 * DAY);
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: ca.certPem, key: c.key, cert: c.cert });
    const from = seen.length;
    try {
      for (let i = 0; i < 3; i++) expect((await call('/flotilla/v1/nodes/w4/assignments', c, agent)).status).toBe(200);
    } finally {
      agent.destroy();
    }
    expect((await call('/flotilla/v1/nodes/w4/assignments', c)).status).toBe(200);
    const [a, b, d, fresh] = seen.slice(from);
    expect(a).toMatchObject({ tls: true, authorized: true, identity: { nodeId: 'w4', role: 'worker' } });
    expect(b).toBe(a);
    expect(d).toBe(a);
    expect(fresh).not.toBe(a);
    expect(fresh).toEqual(a);
  });

  it('a worker certificate used as a manager is refused, saying so', async () => {
    const r = await call('/flotilla/v1/managers/join', await creds('w3', 'worker', Date.now(), 90 * DAY));
    expect(r.status).toBe(403);
    expect(r.text).toMatch(/node w3 holds a worker certificate: only a manager may do this/);
  });
});

describe('the end of a root rotation on open connections', () => {
  it('a connection accepted under the old root is closed when only the new one is trusted; the new root’s reconnect', async () => {
    const quiet = { log: () => undefined, error: () => undefined, warn: () => undefined, debug: () => undefined };
    const oldRoot = await createRootCA(Date.now());
    const newRoot = await createRootCA(Date.now());
    const creds = async (root: RootCA, nodeId: string, role: NodeRole) => {
      const k = generateKeyPair();
      return { key: k.keyPem, cert: await issueNodeCertificate(root, { publicKeyPem: k.publicKeyPem, nodeId, role, clusterId: 'c1' }, Date.now(), 90 * DAY) };
    };
    const http = createServer((req, res) => {
      const a = judge(req, facts, false);
      res.writeHead(a.ok ? 200 : a.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(a.ok ? { ok: true } : { message: a.message }));
    });
    const listener = new SniffingListener(http, false, quiet);
    // Mid-rotation: both roots trusted, the manager's certificate still the old root's.
    listener.useCredentials({ ca: `${oldRoot.certPem.trim()}\n${newRoot.certPem.trim()}\n`, ...(await creds(oldRoot, 'm1', 'manager')) });
    const port = await freePort();
    await listener.listen(port, '127.0.0.1');
    const get = (c: { key: string; cert: string }, ca: string | string[], agent: Agent) =>
      new Promise<{ status: number; socket: import('node:net').Socket }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/flotilla/v1/nodes/w9/assignments', agent, ca, key: c.key, cert: c.cert, checkServerIdentity: () => undefined }, (res) => {
          // Held now: once the answer is read, a keep-alive agent takes the socket back.
          const socket = res.socket;
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, socket }));
        });
        req.on('error', reject);
        req.end();
      });
    const oldAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    const newAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const oldCert = await creds(oldRoot, 'w9', 'worker');
      const newCert = await creds(newRoot, 'w8', 'worker');
      const before = await get(oldCert, oldRoot.certPem, oldAgent);
      expect(before.status).toBe(200);
      const renewed = await get(newCert, oldRoot.certPem, newAgent);
      expect(renewed.status).toBe(200);
      const closed = new Promise<void>((r) => before.socket.once('close', () => r()));
      // The rotation ends: the manager's new certificate, the new root alone.
      listener.useCredentials({ ca: newRoot.certPem, ...(await creds(newRoot, 'm1', 'manager')) });
      await closed;
      expect(renewed.socket.destroyed).toBe(false);
      // The node holding the new root's certificate goes on over the connection it has.
      expect((await get(newCert, oldRoot.certPem, newAgent)).status).toBe(200);
      // A new connection with the old root's certificate is refused at once.
      const again = await get(oldCert, [oldRoot.certPem, newRoot.certPem], new Agent({ keepAlive: false }));
      expect(again.status).toBe(401);
    } finally {
      oldAgent.destroy();
      newAgent.destroy();
      await listener.close();
    }
  });
});
