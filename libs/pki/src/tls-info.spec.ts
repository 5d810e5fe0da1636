import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { caDigest, createRootCA, generateKeyPair, issueNodeCertificate, issuerOf, nodeTlsInfo, signingRootOf, tlsInfoTag, tlsStateOf } from './index';

const NOW = Date.parse('2026-12-04T00:00:00Z');

describe('TLS state as Docker shows it (TLSInfo)', async () => {
  const [oldCa, newCa] = [await createRootCA(NOW), await createRootCA(NOW)];
  const key = generateKeyPair();
  const req = { publicKeyPem: key.publicKeyPem, nodeId: 'n1abc', role: 'worker' as const, clusterId: 'c9xyz' };
  const oldCert = await issueNodeCertificate(oldCa, req, NOW);
  const newCert = await issueNodeCertificate(newCa, req, NOW);
  const both = `${oldCa.certPem.trim()}\n${newCa.certPem.trim()}\n`;

  it('the issuer fields are the root’s raw subject and public key (DER, base64)', () => {
    const i = issuerOf(oldCa.certPem);
    const spki = new X509Certificate(oldCa.certPem).publicKey.export({ type: 'spki', format: 'der' });
    expect(i.CertIssuerPublicKey).toBe(spki.toString('base64'));
    // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, PrintableString/UTF8String "swarm-ca" } } }
    expect(Buffer.from(i.CertIssuerSubject, 'base64').toString('latin1')).toContain('swarm-ca');
    // Both roots are named swarm-ca: only the key tells them apart.
    expect(issuerOf(newCa.certPem).CertIssuerSubject).toBe(i.CertIssuerSubject);
    expect(issuerOf(newCa.certPem).CertIssuerPublicKey).not.toBe(i.CertIssuerPublicKey);
  });

  it.each([
    ['old certificate, both roots', () => oldCert, () => both, () => oldCa.certPem],
    ['new certificate, both roots', () => newCert, () => both, () => newCa.certPem],
    ['new certificate, new root only', () => newCert, () => newCa.certPem, () => newCa.certPem],
    ['old certificate, new root only', () => oldCert, () => newCa.certPem, () => undefined],
  ])('the signing root of a bundle: %s', (_n, cert, bundle, want) => {
    const got = signingRootOf(cert(), bundle());
    expect(got?.trim()).toBe(want()?.trim());
  });

  it('a node reports its bundle and its certificate’s issuer; the tag changes with either', () => {
    const a = nodeTlsInfo(oldCert, both);
    expect(a).toEqual({ TrustRoot: both, ...issuerOf(oldCa.certPem) });
    const b = nodeTlsInfo(newCert, both);
    expect(b.CertIssuerPublicKey).toBe(issuerOf(newCa.certPem).CertIssuerPublicKey);
    expect(tlsInfoTag(a)).not.toBe(tlsInfoTag(b));
    expect(tlsInfoTag(a)).not.toBe(tlsInfoTag({ ...a, TrustRoot: oldCa.certPem }));
    expect(tlsInfoTag(a)).toBe(tlsInfoTag({ ...a }));
    expect(tlsInfoTag(undefined)).toBe('');
    expect(nodeTlsInfo(oldCert, newCa.certPem)).toEqual({ TrustRoot: newCa.certPem, CertIssuerSubject: '', CertIssuerPublicKey: '' });
  });

  it('a recorded state in the rotation machine’s terms: trusted digests, issuer digest among the known roots', () => {
    const known = [oldCa.certPem, newCa.certPem];
    expect(tlsStateOf('n', true, nodeTlsInfo(newCert, both), known)).toEqual({ nodeId: 'n', live: true, trusts: [caDigest(oldCa.certPem), caDigest(newCa.certPem)], issuer: caDigest(newCa.certPem) });
    expect(tlsStateOf('n', false, nodeTlsInfo(oldCert, oldCa.certPem), known)).toEqual({ nodeId: 'n', live: false, trusts: [caDigest(oldCa.certPem)], issuer: caDigest(oldCa.certPem) });
    // A node that never reported: trusts nothing known, holds nothing known (it is waited for if live).
    expect(tlsStateOf('n', true, undefined, known)).toEqual({ nodeId: 'n', live: true, trusts: [], issuer: '' });
  });
});
