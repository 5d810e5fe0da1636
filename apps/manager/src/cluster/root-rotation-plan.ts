import type { Cluster, JoinTokens, NodeTLSInfo, SwarmNode } from '@flotilla/contracts';
import { caDigest, issuerOf, rotationStep, signingRoot, splitPems, tlsStateOf, trustedRoots, type RootCA, type RotationStep } from '@flotilla/pki';

/**
 * The root CA rotation as decisions over the cluster object (pure): what starts it, what each
 * phase hands the nodes, and the cluster that each step of libs/pki's machine leads to.
 */

/** Pure: the roots every node trusts now, as one PEM bundle (both during a rotation). */
export function trustBundle(c: Cluster): string {
  const roots = trustedRoots(c.TLSInfo!.TrustRoot, c.RootRotation);
  // One root is handed as the cluster shows it: docker's CLI compares a node's TrustRoot to it byte for byte.
  return roots.length === 1 ? roots[0] : roots.map((p) => `${p.trim()}\n`).join('');
}

/** Pure: whether two PEM bundles hold the same roots, in the same order (whitespace aside). */
export function sameRoots(a: string, b: string): boolean {
  const norm = (x: string) => splitPems(x).map((p) => p.trim()).join('\n');
  return norm(a) === norm(b);
}

/** Pure: the root that signs node certificates now (the new one from the `issue` phase on). */
export function signerOf(c: Cluster): RootCA {
  return signingRoot({ certPem: c.TLSInfo!.TrustRoot, keyPem: c.CAKey! }, c.RootRotation);
}

/**
 * Pure: Swarm.TLSInfo as dockerd shows it: the trust root is the current root until the rotation
 * ends; the issuer is already the new root's while it runs (the CLI counts nodes against it).
 */
export function clusterTlsInfo(c: Cluster): NodeTLSInfo | Record<string, never> {
  if (!c.TLSInfo) return {};
  return { TrustRoot: c.TLSInfo.TrustRoot, ...issuerOf(c.RootRotation?.newRootPem ?? c.TLSInfo.TrustRoot) };
}

/** Pure: a rotation asked for (ForceRotate counted up) while none runs: the cluster that starts it with this new root. */
export function startRotation(c: Cluster, forceRotate: number, root: RootCA): Cluster {
  return { ...c, RootRotation: { newRootPem: root.certPem, newKeyPem: root.keyPem, phase: 'trust', forceRotate } };
}

/** Pure: the next step of a running rotation, from what the nodes recorded of themselves. */
export function nextStep(c: Cluster, nodes: Iterable<SwarmNode>): RotationStep | undefined {
  const r = c.RootRotation;
  if (!r || !c.TLSInfo) return undefined;
  const known = [c.TLSInfo.TrustRoot, r.newRootPem];
  const states = [...nodes].map((n) => tlsStateOf(n.ID, n.Status.State === 'ready', n.Description.TLSInfo, known));
  return rotationStep(r, caDigest(r.newRootPem), states);
}

/**
 * Pure: the cluster after a step. At the end the new root is the only one, its key signs, and
 * both join tokens are new (their digest names the new root), as swarmkit's reconciler does.
 */
export function afterStep(c: Cluster, step: RotationStep, tokens: (digest: string) => JoinTokens): Cluster | undefined {
  const r = c.RootRotation;
  if (!r || step.kind === 'wait') return undefined;
  if (step.kind === 'advance') return { ...c, RootRotation: { ...r, phase: step.to } };
  const { RootRotation: _done, ...rest } = c;
  return { ...rest, TLSInfo: { TrustRoot: r.newRootPem }, CAKey: r.newKeyPem, JoinTokens: tokens(caDigest(r.newRootPem)) };
}

/**
 * Pure: what a node is told with its heartbeat answer, from what the cluster holds of it: the
 * bundle to trust when its own differs, and to renew at once when another root signed its certificate.
 */
export function nodeHints(c: Cluster, recorded: NodeTLSInfo | undefined): { trustRoot?: string; renewCertificate?: boolean } {
  if (!c.TLSInfo || !recorded) return {};
  const bundle = trustBundle(c);
  const same = sameRoots(recorded.TrustRoot, bundle);
  const signer = issuerOf(signerOf(c).certPem);
  return {
    ...(same ? {} : { trustRoot: bundle }),
    // Only in the `issue` phase: a certificate of the new root is shown only once every node trusts it.
    ...(c.RootRotation?.phase === 'issue' && recorded.CertIssuerPublicKey !== signer.CertIssuerPublicKey ? { renewCertificate: true } : {}),
  };
}
