import { describe, expect, it } from 'vitest';
import type { Cluster, SwarmNode } from '@flotilla/contracts';
import { caDigest, createRootCA, generateKeyPair, issueNodeCertificate, issuerOf, nodeTlsInfo } from '@flotilla/pki';
import { afterStep, clusterTlsInfo, nextStep, nodeHints, sameRoots, signerOf, startRotation, trustBundle } from './root-rotation-plan';

const NOW = Date.parse('2026-12-04T00:00:00Z');

describe('root rotation over the cluster object', async () => {
  const [oldCa, newCa] = [await createRootCA(NOW), await createRootCA(NOW)];
  const base = { ID: 'c1', TLSInfo: { TrustRoot: oldCa.certPem }, CAKey: oldCa.keyPem, JoinTokens: { Worker: 'w', Manager: 'm' } } as unknown as Cluster;
  const started = startRotation(base, 1, newCa);
  const issuing = { ...started, RootRotation: { ...started.RootRotation!, phase: 'issue' as const } };
  const both = trustBundle(started);
  const key = generateKeyPair();
  const certOf = (ca: typeof oldCa) => issueNodeCertificate(ca, { publicKeyPem: key.publicKeyPem, nodeId: 'n1', role: 'worker', clusterId: 'c1' }, NOW);
  const [oldCert, newCert] = [await certOf(oldCa), await certOf(newCa)];
  const node = (id: string, tls: ReturnType<typeof nodeTlsInfo> | undefined, state: 'ready' | 'down' = 'ready') =>
    ({ ID: id, Status: { State: state }, Description: { TLSInfo: tls } }) as unknown as SwarmNode;

  it('without a rotation: one root, exactly as the cluster holds it; the current root signs', () => {
    expect(trustBundle(base)).toBe(oldCa.certPem);
    expect(signerOf(base).certPem).toBe(oldCa.certPem);
    expect(clusterTlsInfo(base)).toEqual({ TrustRoot: oldCa.certPem, ...issuerOf(oldCa.certPem) });
    expect(nodeHints(base, nodeTlsInfo(oldCert, oldCa.certPem))).toEqual({});
  });

  it('started: both roots trusted, the old one still signs; dockerd’s TLSInfo shows the old trust root and the new issuer', () => {
    expect(started.RootRotation).toMatchObject({ phase: 'trust', forceRotate: 1, newRootPem: newCa.certPem });
    expect(sameRoots(both, `${oldCa.certPem}${newCa.certPem}`)).toBe(true);
    expect(sameRoots(both, oldCa.certPem)).toBe(false);
    expect(signerOf(started).certPem).toBe(oldCa.certPem);
    expect(clusterTlsInfo(started)).toEqual({ TrustRoot: oldCa.certPem, ...issuerOf(newCa.certPem) });
  });

  it.each([
    ['trust phase, node on the old root only: handed both, not yet renewed', () => started, () => nodeTlsInfo(oldCert, oldCa.certPem), () => ({ trustRoot: both })],
    ['trust phase, node trusts both: nothing to do', () => started, () => nodeTlsInfo(oldCert, both), () => ({})],
    ['issue phase, old certificate: renew at once', () => issuing, () => nodeTlsInfo(oldCert, both), () => ({ renewCertificate: true })],
    ['issue phase, new certificate: nothing to do', () => issuing, () => nodeTlsInfo(newCert, both), () => ({})],
    ['finished, node still trusts both: handed the new root alone', () => afterStep(issuing, { kind: 'finish' }, () => ({ Worker: 'w2', Manager: 'm2' }))!, () => nodeTlsInfo(newCert, both), () => ({ trustRoot: newCa.certPem })],
    ['nothing reported: no hints', () => issuing, () => undefined, () => ({})],
  ])('hints: %s', (_n, c, tls, want) => {
    expect(nodeHints(c(), tls())).toEqual(want());
  });

  it('steps from what nodes recorded; a down node is not waited for', () => {
    expect(nextStep(base, [])).toBeUndefined();
    expect(nextStep(started, [node('a', nodeTlsInfo(oldCert, both)), node('b', nodeTlsInfo(oldCert, oldCa.certPem))])).toEqual({ kind: 'wait', phase: 'trust', pending: ['b'] });
    expect(nextStep(started, [node('a', nodeTlsInfo(oldCert, both)), node('b', undefined, 'down')])).toEqual({ kind: 'advance', to: 'issue' });
    expect(nextStep(issuing, [node('a', nodeTlsInfo(newCert, both)), node('b', nodeTlsInfo(oldCert, both))])).toEqual({ kind: 'wait', phase: 'issue', pending: ['b'] });
    expect(nextStep(issuing, [node('a', nodeTlsInfo(newCert, both))])).toEqual({ kind: 'finish' });
  });

  it('advance moves the phase; finish makes the new root the only one, its key the signer, and new tokens naming it', () => {
    expect(afterStep(started, { kind: 'wait', phase: 'trust', pending: ['x'] }, () => ({ Worker: '', Manager: '' }))).toBeUndefined();
    expect(afterStep(started, { kind: 'advance', to: 'issue' }, () => ({ Worker: '', Manager: '' }))!.RootRotation!.phase).toBe('issue');
    const seen: string[] = [];
    const done = afterStep(issuing, { kind: 'finish' }, (d) => (seen.push(d), { Worker: `W-${d}`, Manager: `M-${d}` }))!;
    expect(done.RootRotation).toBeUndefined();
    expect(done.TLSInfo).toEqual({ TrustRoot: newCa.certPem });
    expect(done.CAKey).toBe(newCa.keyPem);
    expect(seen).toEqual([caDigest(newCa.certPem)]);
    expect(done.JoinTokens).toEqual({ Worker: `W-${seen[0]}`, Manager: `M-${seen[0]}` });
    expect(trustBundle(done)).toBe(newCa.certPem);
  });
});
