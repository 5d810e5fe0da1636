import type { ClientIdentity, NodeIdentity } from '@flotilla/pki';

/** What a request needs from its peer. */
export type Need = 'open' | 'node' | 'manager' | 'user';

/** How the peer reached this manager. */
export type Peer =
  | { tls: false; loopback: boolean }
  | { tls: true; loopback: boolean; authorized: boolean; authorizationError?: string; identity?: NodeIdentity; client?: ClientIdentity };

/** What the store says about a node; `isManager` is undefined while this manager holds no state yet (joining). */
export interface PeerFacts {
  clusterId?: string;
  removed(nodeId: string): boolean;
  isManager(nodeId: string): boolean | undefined;
}

export type Access = { ok: true } | { ok: false; status: 401 | 403; message: string };

/** Reached without a client certificate: what a joining node (or `swarm join`) needs before it has one. */
const OPEN = [/^\/flotilla\/v1\/cluster\/(ca|fingerprint|token-role|certificate)$/];
/** The node protocol (workers and the managers' own workers). */
const NODE = [/^\/flotilla\/v1\/nodes\//, /^\/flotilla\/v1\/relay\//];

/** Pure: which need a request path has; a request another manager forwards needs a manager. */
export function needOf(path: string, forwarded: boolean, raft = false): Need {
  if (raft || forwarded || path === '/flotilla/v1/managers/join') return 'manager';
  const p = path.replace(/^\/v\d+\.\d+/, '');
  if (OPEN.some((re) => re.test(p))) return 'open';
  if (NODE.some((re) => re.test(p))) return 'node';
  return 'user';
}

const WORDS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not signed by this swarm’s CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is not signed by this swarm’s CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed, not signed by this swarm’s CA',
  CERT_SIGNATURE_FAILURE: 'the certificate’s signature is invalid',
};

/** Where the API points a user who reaches it without the right credentials. */
export const CLIENT_CERT_HINT = 'the API takes TLS with a client certificate signed by this swarm’s CA (`flotilla swarm client-cert --out DIR` on a manager)';

/**
 * Pure: whether a peer may make a request. Loopback plain HTTP is the local socket (trusted as
 * before); from other hosts, node and manager traffic is mutual TLS with a certificate of this
 * cluster, whose node is not removed, and a manager's link also needs the store to call it a manager
 * (a demoted manager's old certificate still says swarm-manager). The user API (root on the host)
 * reaches other hosts only with `--api-remote`, and then only over TLS with a user's (swarm-client)
 * or a manager's certificate; `plainRemote` is the insecure test-only escape, as dockerd's plain tcp://.
 */
export function peerAccess(peer: Peer, need: Need, facts: PeerFacts, apiRemote: boolean, plainRemote: boolean, now: number): Access {
  if (!peer.tls) {
    if (peer.loopback || (need === 'user' && apiRemote && plainRemote)) return { ok: true };
    if (need === 'user' && apiRemote) return { ok: false, status: 403, message: `plain HTTP is served to this host only: ${CLIENT_CERT_HINT}` };
    return { ok: false, status: 403, message: 'this manager takes connections from other hosts over mutual TLS only' };
  }
  if (need === 'open') return { ok: true };
  // Checked at the handshake and again per request: a keep-alive connection outlives its certificate.
  const stale = peer.authorized ? datesRefusal(peer, now) : undefined;
  if (peer.authorized && peer.client && !stale) return clientAccess(peer.client, peer.loopback, need, facts, apiRemote);
  if (!peer.authorized || !peer.identity || stale) {
    if (need === 'user' && peer.loopback) return { ok: true };
    const why = stale ?? (peer.authorizationError ? (WORDS[peer.authorizationError] ?? peer.authorizationError) : 'no client certificate was presented');
    return { ok: false, status: 401, message: `a client certificate signed by this swarm’s CA is required: ${why}` };
  }
  const id = peer.identity;
  if (facts.clusterId && id.clusterId !== facts.clusterId) return { ok: false, status: 401, message: `the certificate of node ${id.nodeId} belongs to another swarm` };
  if (facts.removed(id.nodeId)) return { ok: false, status: 403, message: `node ${id.nodeId} was removed from the swarm: its certificate is revoked` };
  if (need === 'manager') {
    if (id.role !== 'manager') return { ok: false, status: 403, message: `node ${id.nodeId} holds a worker certificate: only a manager may do this` };
    if (facts.isManager(id.nodeId) === false) return { ok: false, status: 403, message: `node ${id.nodeId} is no longer a manager: its manager certificate is not accepted` };
  }
  // A worker's certificate opens the node protocol, not the user API (which can bind-mount the manager's root).
  if (need === 'user' && !peer.loopback && id.role === 'worker') return { ok: false, status: 403, message: `node ${id.nodeId} holds a worker certificate: ${CLIENT_CERT_HINT}` };
  return { ok: true };
}

/** Why a peer's certificate is refused at `now` for its dates (the words the handshake's check uses), or none. */
function datesRefusal(peer: Extract<Peer, { tls: true }>, now: number): string | undefined {
  const [who, v] = peer.client ? [`client ${peer.client.name}`, peer.client] : peer.identity ? [`node ${peer.identity.nodeId}`, peer.identity] : [];
  if (!v || (now >= v.notBefore && now <= v.notAfter)) return undefined;
  return `certificate of ${who} is not valid now (valid ${new Date(v.notBefore).toISOString()} to ${new Date(v.notAfter).toISOString()})`;
}

/** Pure: a user's certificate opens the user API (from other hosts with --api-remote), never a node or manager link. */
export function clientAccess(client: ClientIdentity, loopback: boolean, need: Need, facts: Pick<PeerFacts, 'clusterId'>, apiRemote: boolean): Access {
  if (facts.clusterId && client.clusterId !== facts.clusterId) return { ok: false, status: 401, message: `the client certificate of ${client.name} belongs to another swarm` };
  if (need === 'node' || need === 'manager') {
    return { ok: false, status: 403, message: `the certificate of ${client.name} is a client certificate (OU=swarm-client), not a node certificate: it cannot be used for node or manager links` };
  }
  if (need === 'user' && !loopback && !apiRemote) {
    return { ok: false, status: 403, message: 'this flotilla manager serves its API to its own host only; start it with --api-remote to serve other hosts' };
  }
  return { ok: true };
}
