import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SwarmNode } from '@flotilla/contracts';
import { progressLines, rotationCounts } from './ca-progress';

const OLD = 'OLD-PEM\n';
const NEW = 'NEW-PEM\n';
const n = (TrustRoot: string, key: string) => ({ Description: { TLSInfo: { TrustRoot, CertIssuerSubject: 'S', CertIssuerPublicKey: key } } }) as unknown as SwarmNode;
const desired = (TrustRoot: string) => ({ TrustRoot, CertIssuerSubject: 'S', CertIssuerPublicKey: 'K-NEW' });

describe('root rotation progress, counted as docker’s CLI counts it', () => {
  it.each([
    ['started: no new certificates yet', desired(OLD), [n(OLD, 'K-OLD'), n(`${OLD}${NEW}`, 'K-OLD')], true, { certificates: 0, roots: 0, done: false }],
    ['all certificates new, rotation still running: roots shown as 0', desired(OLD), [n(`${OLD}${NEW}`, 'K-NEW'), n(`${OLD}${NEW}`, 'K-NEW')], true, { certificates: 2, roots: 0, done: false }],
    ['finished, one node still trusts both', desired(NEW), [n(NEW, 'K-NEW'), n(`${OLD}${NEW}`, 'K-NEW')], false, { certificates: 2, roots: 1, done: false }],
    ['converged', desired(NEW), [n(NEW, 'K-NEW'), n(NEW, 'K-NEW')], false, { certificates: 2, roots: 2, done: true }],
    ['a node that never reported counts for neither', desired(NEW), [n(NEW, 'K-NEW'), { Description: {} } as SwarmNode], false, { certificates: 1, roots: 0, done: false }],
  ])('%s', (_name, d, nodes, inProgress, want) => {
    expect(rotationCounts(d, nodes, inProgress)).toMatchObject({ ...want, total: nodes.length });
  });

  it('prints the digest of the desired root’s PEM and docker’s aligned labels', () => {
    const c = rotationCounts(desired(NEW), [n(NEW, 'K-NEW')], false);
    expect(progressLines(c)).toEqual([
      `desired root digest: sha256:${createHash('sha256').update(NEW).digest('hex')}`,
      '  rotated TLS certificates:  1/1 nodes',
      '  rotated CA certificates:   1/1 nodes',
    ]);
  });
});
