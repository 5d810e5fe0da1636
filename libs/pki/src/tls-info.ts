import { createHash, X509Certificate } from 'node:crypto';
import { x509 } from './x509';
import { caDigest } from './digest';
import { splitPems, type NodeTlsState } from './root-rotation';

/**
 * A node's TLS state as Docker shows it (Node.Description.TLSInfo, Swarm.TLSInfo): the roots it
 * trusts (PEM) and the issuer of its certificate, as that root's raw subject and public key
 * (DER, base64: how Go's JSON writes []byte). `docker swarm ca --rotate` compares these byte for byte.
 */
export interface TlsInfo {
  TrustRoot: string;
  CertIssuerSubject: string;
  CertIssuerPublicKey: string;
}

/** Pure: the issuer fields a certificate signed by this root carries. */
export function issuerOf(rootPem: string): Pick<TlsInfo, 'CertIssuerSubject' | 'CertIssuerPublicKey'> {
  const c = new x509.X509Certificate(rootPem);
  return {
    CertIssuerSubject: Buffer.from(c.subjectName.toArrayBuffer()).toString('base64'),
    CertIssuerPublicKey: Buffer.from(c.publicKey.rawData).toString('base64'),
  };
}

/** Pure: the root of a bundle that signed a certificate, if any. */
export function signingRootOf(certPem: string, bundlePem: string): string | undefined {
  const cert = new X509Certificate(certPem);
  return splitPems(bundlePem).find((root) => {
    const r = new X509Certificate(root);
    return cert.checkIssued(r) && cert.verify(r.publicKey);
  });
}

/** Pure: what a node reports about itself, from its certificate and the bundle it trusts. */
export function nodeTlsInfo(certPem: string, bundlePem: string): TlsInfo {
  const root = signingRootOf(certPem, bundlePem);
  return { TrustRoot: bundlePem, ...(root ? issuerOf(root) : { CertIssuerSubject: '', CertIssuerPublicKey: '' }) };
}

/** Pure: a short tag of a TLS state, so a node sends the whole of it only when it changed. */
export function tlsInfoTag(info: TlsInfo | undefined): string {
  return info ? createHash('sha256').update(`${info.TrustRoot}\0${info.CertIssuerSubject}\0${info.CertIssuerPublicKey}`).digest('hex').slice(0, 16) : '';
}

/**
 * Pure: a node's recorded TLS state in the rotation machine's terms: the digests of the roots it
 * trusts, and the digest of the known root (current or new) whose key signed its certificate.
 */
export function tlsStateOf(nodeId: string, live: boolean, info: TlsInfo | undefined, knownRoots: readonly string[]): NodeTlsState {
  const trusts = info ? splitPems(info.TrustRoot).map((p) => caDigest(p)) : [];
  const issuer = info ? knownRoots.find((r) => issuerOf(r).CertIssuerPublicKey === info.CertIssuerPublicKey) : undefined;
  return { nodeId, live, trusts, issuer: issuer ? caDigest(issuer) : '' };
}
