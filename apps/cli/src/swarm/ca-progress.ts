import { createHash } from 'node:crypto';
import type { NodeTLSInfo, SwarmNode } from '@flotilla/contracts';

export interface RotationCounts {
  digest: string;
  certificates: number;
  roots: number;
  total: number;
  done: boolean;
}

/**
 * Pure: the convergence of a root rotation as docker's CLI counts it: the desired root's digest
 * (sha256 of its PEM), nodes whose certificate the desired issuer signed, and nodes that trust
 * exactly the desired root, counted only once no rotation runs and every certificate is right.
 */
export function rotationCounts(desired: Partial<NodeTLSInfo>, nodes: readonly Pick<SwarmNode, 'Description'>[], inProgress: boolean): RotationCounts {
  const root = desired.TrustRoot ?? '';
  let certificates = 0;
  let roots = 0;
  for (const n of nodes) {
    const t = n.Description.TLSInfo;
    if ((t?.CertIssuerPublicKey ?? '') === (desired.CertIssuerPublicKey ?? '') && (t?.CertIssuerSubject ?? '') === (desired.CertIssuerSubject ?? '')) certificates++;
    if ((t?.TrustRoot ?? '') === root) roots++;
  }
  const total = nodes.length;
  const settled = certificates === total && !inProgress;
  return {
    digest: `sha256:${createHash('sha256').update(root).digest('hex')}`,
    certificates,
    roots: settled ? roots : 0,
    total,
    done: settled && roots === total,
  };
}

/** Pure: the three progress lines, in docker's words and alignment. */
export function progressLines(c: RotationCounts): string[] {
  return [`desired root digest: ${c.digest}`, `  rotated TLS certificates:  ${c.certificates}/${c.total} nodes`, `  rotated CA certificates:   ${c.roots}/${c.total} nodes`];
}
