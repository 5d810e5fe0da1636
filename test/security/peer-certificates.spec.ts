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
