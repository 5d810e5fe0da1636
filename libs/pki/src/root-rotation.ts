/**
 * Rotating the cluster's root CA (`docker swarm ca --rotate`), as a pure state machine over what
 * the nodes report. Trust goes first, certificates second, the old root last, so no link breaks:
 *
 *   trust  every node is given both roots; wait until every live node trusts the new one
 *   issue  certificates are signed by the new root only; wait until every live node holds one
 *   done   the new root is the only root: a certificate of the old one is refused
 *
 * No cross-signing is needed: nobody is shown a certificate of the new root before it trusts it.
 */

/** What the leader keeps in the cluster object while a rotation runs. */
export interface RootRotation {
  /** The new root (PEM) and its key; the key is never served, as the current root's. */
  newRootPem: string;
  newKeyPem: string;
  phase: 'trust' | 'issue';
  /** The CAConfig.ForceRotate value that started it (a repeated update does not start another). */
  forceRotate: number;
}

/** What a node last said about its own TLS state (kept by the managers, from its renew/report calls). */
export interface NodeTlsState {
  nodeId: string;
  /** A node that is down cannot take part; it is not waited for (it rejoins with a fresh certificate). */
  live: boolean;
  /** Digests (caDigest) of the roots the node trusts now. */
  trusts: readonly string[];
  /** Digest of the root that signed the node's certificate. */
  issuer: string;
}

export type RotationStep =
  | { kind: 'wait'; phase: 'trust' | 'issue'; pending: string[] }
  | { kind: 'advance'; to: 'issue' }
  | { kind: 'finish' };

/** Pure: the roots a node (and a manager's listener) trusts now. */
export function trustedRoots(currentRootPem: string, rotation?: Pick<RootRotation, 'newRootPem'>): string[] {
  return rotation ? [currentRootPem, rotation.newRootPem] : [currentRootPem];
}

/** Pure: which root signs a certificate now: the new one only once every node trusts it. */
export function signingRoot<T extends { certPem: string; keyPem: string }>(current: T, rotation?: RootRotation): { certPem: string; keyPem: string } {
  return rotation?.phase === 'issue' ? { certPem: rotation.newRootPem, keyPem: rotation.newKeyPem } : current;
}

/** Pure: the next step of a rotation, from the live nodes' reports (digests are caDigest's). */
export function rotationStep(rotation: Pick<RootRotation, 'phase'>, newDigest: string, nodes: readonly NodeTlsState[]): RotationStep {
  const live = nodes.filter((n) => n.live);
  if (rotation.phase === 'trust') {
    const pending = live.filter((n) => !n.trusts.includes(newDigest)).map((n) => n.nodeId);
    return pending.length ? { kind: 'wait', phase: 'trust', pending } : { kind: 'advance', to: 'issue' };
  }
  const pending = live.filter((n) => n.issuer !== newDigest).map((n) => n.nodeId);
  return pending.length ? { kind: 'wait', phase: 'issue', pending } : { kind: 'finish' };
}

/** Pure: whether `ForceRotate` in an update asks for a new root (it only counts upwards, as swarmkit's). */
export function rotationRequested(previous: number | undefined, next: number | undefined): boolean {
  return (next ?? 0) > (previous ?? 0);
}

/**
 * Pure: whether a node asks for a new certificate now: at its renewal time, or at once when the
 * root that signs is no longer the one that signed its certificate.
 */
export function renewalDue(o: { now: number; renewAt: number; issuer: string; signingDigest: string }): boolean {
  return o.now >= o.renewAt || o.issuer !== o.signingDigest;
}

/**
 * Pure: the counts `docker swarm ca --rotate` shows ("rotated TLS certificates: N/M nodes",
 * "rotated CA certificates: N/M nodes"): nodes whose certificate the desired root signed, and
 * nodes that trust only what the cluster trusts at the end (the desired root).
 */
export function rotationProgress(desiredDigest: string, nodes: readonly Pick<NodeTlsState, 'trusts' | 'issuer'>[]): { certificates: number; roots: number; total: number } {
  return {
    certificates: nodes.filter((n) => n.issuer === desiredDigest).length,
    roots: nodes.filter((n) => n.trusts.length === 1 && n.trusts[0] === desiredDigest).length,
    total: nodes.length,
  };
}

/** Pure: the PEM certificates in a bundle (a trust file may hold both roots during a rotation). */
export function splitPems(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((p) => `${p}\n`) ?? [];
}
