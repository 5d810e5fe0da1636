import { X509Certificate } from 'node:crypto';
import { FlotillaError } from '@flotilla/contracts';
import { ROLE_OU, type NodeRole } from './ca';
import { CLIENT_OU } from './client-cert';
import { splitPems } from './root-rotation';

export interface NodeIdentity {
  nodeId: string;
  role: NodeRole;
  clusterId: string;
  notBefore: number;
  notAfter: number;
}

/** Pure: CN, OU and O of a subject as Node prints it ("CN=a\nOU=b\nO=c"). */
export function subjectFields(subject: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of subject.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** A user of the remote API (`flotilla swarm client-cert`): never a node. */
export interface ClientIdentity {
  name: string;
  clusterId: string;
  notBefore: number;
  notAfter: number;
}

/** Whom a certificate of the cluster names: a node (with its role) or a user of the API. */
export type CertificateHolder = { kind: 'node'; node: NodeIdentity } | { kind: 'client'; client: ClientIdentity };

function identityOf(cert: X509Certificate): NodeIdentity {
  const f = subjectFields(cert.subject);
  if (f.OU === CLIENT_OU) throw new FlotillaError('unauthorized', `a client certificate (OU=${CLIENT_OU}, CN=${f.CN}) is not a node certificate: it is for the API only`);
  const role = (Object.keys(ROLE_OU) as NodeRole[]).find((r) => ROLE_OU[r] === f.OU);
  if (!f.CN || !f.O || !role) throw new FlotillaError('unauthorized', `not a node certificate (subject ${cert.subject.replace(/\n/g, ', ')})`);
  return { nodeId: f.CN, role, clusterId: f.O, notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}

/**
 * Who a certificate says its holder is, once it is shown to be signed by the cluster's root and
 * valid at `now`. TLS already checks both on a connection; this is for certificates handed over
 * otherwise (and for tests), and names what is wrong.
 */
export function verifyNodeCertificate(certPem: string, caPem: string, now: number): NodeIdentity {
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
    ca = new X509Certificate(caPem);
  } catch (e) {
    throw new FlotillaError('invalid_argument', `unreadable certificate: ${(e as Error).message}`);
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw new FlotillaError('unauthorized', 'certificate not signed by this cluster’s CA');
  const id = identityOf(cert);
  if (now < id.notBefore || now > id.notAfter) throw new FlotillaError('unauthorized', `certificate of node ${id.nodeId} is not valid now (valid ${cert.validFrom} to ${cert.validTo})`);
  return id;
}

function holderOf(cert: X509Certificate): CertificateHolder {
  const f = subjectFields(cert.subject);
  if (f.OU === CLIENT_OU && f.CN && f.O) return { kind: 'client', client: { name: f.CN, clusterId: f.O, notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) } };
  return { kind: 'node', node: identityOf(cert) };
}

/**
 * Like verifyNodeCertificate, for any certificate the cluster's root signs: a node's or a user's.
 * What it may reach is for the caller to judge by the holder's kind.
 */
export function verifyClusterCertificate(certPem: string, caPem: string, now: number): CertificateHolder {
  let cert: X509Certificate;
  let roots: X509Certificate[];
  try {
    cert = new X509Certificate(certPem);
    // During a root rotation the trust file holds both roots.
    roots = (splitPems(caPem).length ? splitPems(caPem) : [caPem]).map((p) => new X509Certificate(p));
  } catch (e) {
    throw new FlotillaError('invalid_argument', `unreadable certificate: ${(e as Error).message}`);
  }
  if (!roots.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) throw new FlotillaError('unauthorized', 'certificate not signed by this cluster’s CA');
  const h = holderOf(cert);
  const v = h.kind === 'node' ? h.node : h.client;
  if (now < v.notBefore || now > v.notAfter) throw new FlotillaError('unauthorized', `certificate of ${h.kind === 'node' ? `node ${h.node.nodeId}` : `client ${h.client.name}`} is not valid now (valid ${cert.validFrom} to ${cert.validTo})`);
  return h;
}

/** Whom a peer's certificate on a TLS connection names (verified already). */
export function peerHolder(raw: Buffer): CertificateHolder {
  return holderOf(new X509Certificate(raw));
}

/** The identity a peer's certificate on a TLS connection names (TLS has verified it already). */
export function peerIdentity(raw: Buffer): NodeIdentity {
  return identityOf(new X509Certificate(raw));
}
