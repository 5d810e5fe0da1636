import { describe, expect, it } from 'vitest';
import type { Cluster, SwarmNode } from '@flotilla/contracts';
import { MemoryStore, put } from '@flotilla/state';
import { createRootCA, generateKeyPair, issueNodeCertificate, nodeTlsInfo, tlsInfoTag } from '@flotilla/pki';
import { NodeTlsService, reportedTls } from './node-tls.service';

const NOW = Date.parse('2026-12-04T00:00:00Z');

describe('nodes’ TLS state from their heartbeats', async () => {
  const ca = await createRootCA(NOW);
  const next = await createRootCA(NOW);
  const key = generateKeyPair();
  const cert = await issueNodeCertificate(ca, { publicKeyPem: key.publicKeyPem, nodeId: 'n1', role: 'worker', clusterId: 'c1' }, NOW);
  const tls = nodeTlsInfo(cert, ca.certPem);

  async function setup() {
    const store = new MemoryStore();
    const cluster = { ID: 'c1', Version: { Index: 0 }, Spec: {}, JoinTokens: { Worker: 'w', Manager: 'm' }, TLSInfo: { TrustRoot: ca.certPem }, CAKey: ca.keyPem } as unknown as Cluster;
    const node = { ID: 'n1', Version: { Index: 0 }, Spec: { Role: 'worker' }, Status: { State: 'ready', Addr: '10.0.0.2' }, Description: { Hostname: 'w1' } } as unknown as SwarmNode;
    await store.propose({ ops: [put('cluster', cluster, null), put('node', node, null)] });
    return { store, svc: new NodeTlsService(store) };
  }
  const settle = () => new Promise((r) => setTimeout(r, 10));

  it.each([
    ['nothing', undefined, undefined],
    ['a tag only', { tlsTag: 'abc' }, undefined],
    ['a field that is not a string', { tls: { ...tls, TrustRoot: 5 } }, undefined],
    ['an oversized field', { tls: { ...tls, TrustRoot: 'x'.repeat(20_000) } }, undefined],
    ['a well-formed state', { tls }, tls],
  ])('reads from a heartbeat body: %s', (_n, body, want) => {
    expect(reportedTls(body as never)).toEqual(want);
  });

  it('records a state once, answers with its tag, and hands no hints outside a rotation', async () => {
    const { store, svc } = await setup();
    expect(svc.heard('n1', { tlsTag: tlsInfoTag(tls), tls })).toEqual({ tlsTag: '' });
    await settle();
    expect(store.view().nodes.get('n1')!.Description.TLSInfo).toEqual(tls);
    const index = store.view().index;
    expect(svc.heard('n1', { tlsTag: tlsInfoTag(tls) })).toEqual({ tlsTag: tlsInfoTag(tls) });
    await settle();
    expect(store.view().index).toBe(index);
    expect(svc.heard('unknown', { tls })).toEqual({});
  });

  it('during a rotation, a node that agrees with what is held is handed both roots', async () => {
    const { store, svc } = await setup();
    svc.heard('n1', { tls });
    await settle();
    const c = store.view().cluster!;
    await store.propose({ ops: [put('cluster', { ...c, RootRotation: { newRootPem: next.certPem, newKeyPem: next.keyPem, phase: 'trust', forceRotate: 1 } }, c.Version.Index)] });
    const a = svc.heard('n1', { tlsTag: tlsInfoTag(tls) });
    expect(a.trustRoot).toContain(next.certPem.trim());
    expect(a.trustRoot).toContain(ca.certPem.trim());
    // A node whose tag differs from the held state gets no hint until it has sent its state.
    expect(svc.heard('n1', { tlsTag: 'stale' }).trustRoot).toBeUndefined();
  });
});
