import { describe, expect, it } from 'vitest';
import { createRootCA, generateKeyPair, issueNodeCertificate, tlsInfoTag, nodeTlsInfo } from '@flotilla/pki';
import { TlsReport, withTrustRoot } from './tls-report';

const NOW = Date.parse('2026-12-04T00:00:00Z');

describe('a node’s TLS state in its heartbeats', async () => {
  const ca = await createRootCA(NOW);
  const other = await createRootCA(NOW);
  const key = generateKeyPair();
  const cert = await issueNodeCertificate(ca, { publicKeyPem: key.publicKeyPem, nodeId: 'n1', role: 'worker', clusterId: 'c1' }, NOW);
  const creds = { ca: ca.certPem, cert, key: key.keyPem };

  it('sends the whole state until the manager’s answer shows it holds it, then only the tag', () => {
    const r = new TlsReport();
    expect(r.body(undefined)).toBeUndefined();
    const tag = tlsInfoTag(nodeTlsInfo(cert, ca.certPem));
    expect(r.body(creds)).toEqual({ tlsTag: tag, tls: nodeTlsInfo(cert, ca.certPem) });
    r.answered({ heartbeatPeriodMs: 1000, tlsTag: 'something else' });
    expect(r.body(creds)?.tls).toBeDefined();
    r.answered({ heartbeatPeriodMs: 1000, tlsTag: tag });
    expect(r.body(creds)).toEqual({ tlsTag: tag });
    // New credentials (a new trust bundle): the whole state again.
    expect(r.body({ ...creds, ca: `${ca.certPem}${other.certPem}` })?.tls).toBeDefined();
  });

  it.each([
    ['no hint', {}, undefined],
    ['the same roots', { trustRoot: ca.certPem }, undefined],
    ['not a PEM', { trustRoot: 'garbage' }, undefined],
  ])('keeps its trust: %s', (_n, hint, want) => {
    expect(withTrustRoot(creds, { heartbeatPeriodMs: 1000, ...hint })).toEqual(want);
  });

  it('takes a new bundle, keeping its certificate and key', () => {
    const bundle = `${ca.certPem}${other.certPem}`;
    expect(withTrustRoot(creds, { heartbeatPeriodMs: 1000, trustRoot: bundle })).toEqual({ ...creds, ca: bundle });
    expect(withTrustRoot(undefined, { heartbeatPeriodMs: 1000, trustRoot: bundle })).toBeUndefined();
  });
});
