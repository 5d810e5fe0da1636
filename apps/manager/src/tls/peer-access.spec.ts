import { describe, expect, it } from 'vitest';
import { clientAccess, needOf, peerAccess, type Peer, type PeerFacts } from './peer-access';

const NOW = Date.parse('2026-06-01T00:00:00Z');

const id = (nodeId: string, role: 'manager' | 'worker', clusterId = 'c1') => ({ nodeId, role, clusterId, notBefore: 0, notAfter: NOW + 1 });
const facts: PeerFacts = {
  clusterId: 'c1',
  removed: (n) => n === 'gone',
  isManager: (n) => (n === 'm1' ? true : n === 'demoted' ? false : n === 'w1' ? false : undefined),
};
const tls = (identity?: ReturnType<typeof id>, authorizationError?: string): Peer => ({ tls: true, loopback: false, authorized: !!identity, identity, authorizationError });

describe('needOf', () => {
  it.each([
    ['/_ping', false, 'user'],
    ['/flotilla/v1/cluster/certificate', false, 'open'],
    ['/flotilla/v1/cluster/token-role', false, 'open'],
    ['/flotilla/v1/nodes/abc/assignments', false, 'node'],
    ['/flotilla/v1/managers/join', false, 'manager'],
    ['/services', true, 'manager'],
    ['/v1.41/nodes', false, 'user'],
    ['/v1.41/_ping', false, 'user'],
  ] as const)('%s (forwarded %s) → %s', (p, f, want) => expect(needOf(p, f)).toBe(want));
});

describe('peerAccess', () => {
  it.each([
    ['loopback plain, anything', { tls: false, loopback: true } as Peer, 'manager', false, null],
    ['remote plain, node path', { tls: false, loopback: false } as Peer, 'node', true, /mutual TLS only/],
    ['remote plain, user API with --api-remote', { tls: false, loopback: false } as Peer, 'user', true, /plain HTTP is served to this host only: the API takes TLS with a client certificate/],
    ['remote plain, user API without', { tls: false, loopback: false } as Peer, 'user', false, /mutual TLS only/],
    ['TLS, no certificate, join paths', tls(), 'open', false, null],
    ['TLS, no certificate, node path', tls(), 'node', false, /client certificate .* required: no client certificate/],
    ['TLS, another CA', tls(undefined, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'node', false, /not signed by this swarm’s CA/],
    ['TLS, expired', tls(undefined, 'CERT_HAS_EXPIRED'), 'node', false, /has expired/],
    ['worker certificate, node path', tls(id('w1', 'worker')), 'node', false, null],
    ['worker certificate, manager link', tls(id('w1', 'worker')), 'manager', false, /worker certificate: only a manager/],
    ['manager certificate, manager link', tls(id('m1', 'manager')), 'manager', false, null],
    ['joining: no state yet', tls(id('m9', 'manager')), 'manager', false, null],
    ['demoted manager’s old certificate', tls(id('demoted', 'manager')), 'manager', false, /no longer a manager/],
    ['removed node', tls(id('gone', 'worker')), 'node', false, /removed from the swarm: its certificate is revoked/],
    ['another swarm’s node', tls(id('w1', 'worker', 'c2')), 'node', false, /another swarm/],
  ] as const)('%s', (_n, peer, need, remote, want) => {
    const a = peerAccess(peer, need, facts, remote, false, NOW);
    if (want === null) expect(a).toEqual({ ok: true });
    else expect(a.ok ? '' : a.message).toMatch(want);
  });
});

const client = (clusterId = 'c1') => ({ name: 'alice', clusterId, notBefore: 0, notAfter: NOW + 1 });
const clientPeer = (loopback = false, clusterId = 'c1'): Peer => ({ tls: true, loopback, authorized: true, client: client(clusterId) });

describe('the remote user API (--api-remote): TLS with a client certificate only', () => {
  it.each([
    ['client certificate, user API, --api-remote', clientPeer(), 'user', true, null],
    ['client certificate, user API, without --api-remote', clientPeer(), 'user', false, /own host only; start it with --api-remote/],
    ['client certificate from this host, without --api-remote', clientPeer(true), 'user', false, null],
    ['client certificate on a node path', clientPeer(), 'node', true, /client certificate \(OU=swarm-client\), not a node certificate/],
    ['client certificate on a manager (Raft) link', clientPeer(), 'manager', true, /not a node certificate: it cannot be used for node or manager links/],
    ['client certificate of another swarm', clientPeer(false, 'c2'), 'user', true, /belongs to another swarm/],
    ['TLS without a certificate, user API, --api-remote', tls(), 'user', true, /client certificate signed by this swarm’s CA is required: no client certificate was presented/],
    ['TLS, another CA, user API', tls(undefined, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'user', true, /not signed by this swarm’s CA/],
    ['worker certificate, user API, --api-remote', tls(id('w1', 'worker')), 'user', true, /worker certificate: the API takes TLS with a client certificate/],
    ['manager certificate, user API, --api-remote', tls(id('m1', 'manager')), 'user', true, null],
    ['TLS from this host without a certificate (the local CLI)', { tls: true, loopback: true, authorized: false } as Peer, 'user', false, null],
  ] as const)('%s', (_n, peer, need, remote, want) => {
    const a = peerAccess(peer, need, facts, remote, false, NOW);
    if (want === null) expect(a).toEqual({ ok: true });
    else expect(a.ok ? '' : a.message).toMatch(want);
  });

  it('plain HTTP from other hosts only with the insecure test escape', () => {
    expect(peerAccess({ tls: false, loopback: false }, 'user', facts, true, true, NOW)).toEqual({ ok: true });
    expect(peerAccess({ tls: false, loopback: false }, 'node', facts, true, true, NOW).ok).toBe(false);
    expect(peerAccess({ tls: false, loopback: false }, 'user', facts, false, true, NOW).ok).toBe(false);
  });

  it('a client certificate never opens the join paths’ neighbours: open stays open, the rest is judged', () => {
    expect(clientAccess(client(), false, 'open', facts, false)).toEqual({ ok: true });
    expect(clientAccess(client(), true, 'manager', facts, true).ok).toBe(false);
  });
});

describe('a certificate past its dates on a connection still open', () => {
  const dated = (notBefore: number, notAfter: number) => ({ nodeId: 'w1', role: 'worker' as const, clusterId: 'c1', notBefore, notAfter });
  it('is refused per request, as the handshake would refuse it now', () => {
    const expired: Peer = { tls: true, loopback: false, authorized: true, identity: dated(NOW - 2_000, NOW - 1) };
    const a = peerAccess(expired, 'node', facts, false, false, NOW);
    expect(a).toEqual({ ok: false, status: 401, message: expect.stringMatching(/client certificate signed by this swarm’s CA is required: certificate of node w1 is not valid now \(valid 2026-05-31T23:59:58.000Z to 2026-05-31T23:59:59.999Z\)/) });
    const early: Peer = { tls: true, loopback: false, authorized: true, identity: dated(NOW + 1, NOW + 2_000) };
    expect(peerAccess(early, 'node', facts, false, false, NOW).ok).toBe(false);
    // The last millisecond still counts.
    expect(peerAccess({ ...expired, identity: dated(NOW - 2_000, NOW) }, 'node', facts, false, false, NOW)).toEqual({ ok: true });
  });

  it('a user’s expired certificate is refused too; on this host the API stays open as without one', () => {
    const c: Peer = { tls: true, loopback: false, authorized: true, client: { name: 'alice', clusterId: 'c1', notBefore: 0, notAfter: NOW - 1 } };
    const a = peerAccess(c, 'user', facts, true, false, NOW);
    expect(a.ok ? '' : a.message).toMatch(/certificate of client alice is not valid now/);
    expect(peerAccess({ ...c, loopback: true }, 'user', facts, false, false, NOW)).toEqual({ ok: true });
  });
});
