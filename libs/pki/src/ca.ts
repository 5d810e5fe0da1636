import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { FlotillaError } from '@flotilla/contracts';
import { ALG, x509 } from './x509';
import { derToPem, pemToDer } from './pem';
import { checkedPublicKey } from './node-key';

/** The cluster's root: its certificate (shared with every node) and key (managers only). */
export interface RootCA {
  certPem: string;
  keyPem: string;
}

export type NodeRole = 'manager' | 'worker';

/** The organisational unit of a node certificate: the role, in swarmkit's words. */
export const ROLE_OU: Record<NodeRole, string> = { manager: 'swarm-manager', worker: 'swarm-worker' };

const DAY = 86_400_000;
/** swarmkit's defaults: a 20-year root, 90-day node certificates. */
export const ROOT_TTL_MS = 20 * 365 * DAY;
export const NODE_TTL_MS = 90 * DAY;
/** Clocks of nodes differ: certificates are valid from a little before they are made. */
const BACKDATE_MS = 60 * 60_000;

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const serial = () => {
  const b = randomBytes(16);
  b[0] &= 0x7f; // a positive INTEGER
  return b.toString('hex');
};

/** A new self-signed root CA (CN=swarm-ca, as swarmkit names it). */
export async function createRootCA(now: number, ttlMs = ROOT_TTL_MS): Promise<RootCA> {
  const keys = (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=swarm-ca',
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + ttlMs),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: derToPem(keyDer, 'PRIVATE KEY') };
}

export interface NodeCertRequest {
  /** The node's public key (SPKI PEM, P-256); its private key never leaves the node. */
  publicKeyPem: string;
  nodeId: string;
  role: NodeRole;
  clusterId: string;
  /** Addresses and host names the node is reached at, so clients that check names by address (the docker CLI) accept it. */
  reachableAt?: { ips?: readonly string[]; dns?: readonly string[] };
}

const ID = /^[a-z0-9]{1,64}$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

/**
 * A node certificate signed by the root: CN = node id, OU = role, O = cluster id (swarmkit's layout),
 * usable for both ends of a mutual TLS connection. Names are checked: they go into a signed subject.
 */
export async function issueNodeCertificate(ca: RootCA, req: NodeCertRequest, now: number, ttlMs = NODE_TTL_MS): Promise<string> {
  if (!ID.test(req.nodeId)) throw new FlotillaError('invalid_argument', `bad node id ${JSON.stringify(req.nodeId)}`);
  if (!ID.test(req.clusterId)) throw new FlotillaError('invalid_argument', `bad cluster id ${JSON.stringify(req.clusterId)}`);
  if (!(req.role in ROLE_OU)) throw new FlotillaError('invalid_argument', `bad role ${JSON.stringify(req.role)}`);
  const spki = pemToDer(checkedPublicKey(req.publicKeyPem), 'PUBLIC KEY');
  const publicKey = await webcrypto.subtle.importKey('spki', spki, ecdsa, true, ['verify']);
  const signingKey = await webcrypto.subtle.importKey('pkcs8', pemToDer(ca.keyPem, 'PRIVATE KEY'), ecdsa, false, ['sign']);
  const root = new x509.X509Certificate(ca.certPem);
  const caNotAfter = root.notAfter.getTime();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${req.nodeId}, OU=${ROLE_OU[req.role]}, O=${req.clusterId}`,
    issuer: root.subject,
    notBefore: new Date(now - BACKDATE_MS),
    // Never outlives its root.
    notAfter: new Date(Math.min(now + ttlMs, caNotAfter)),
    signingAlgorithm: ALG,
    publicKey,
    signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      // Peers check the role by name (servername "swarm-manager"), not by address.
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: ROLE_OU[req.role] },
        { type: 'dns', value: req.nodeId },
        ...[...new Set(req.reachableAt?.dns ?? [])].filter((d) => HOST.test(d)).map((value) => ({ type: 'dns' as const, value })),
        ...[...new Set(req.reachableAt?.ips ?? [])].filter((a) => isIP(a)).map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(root),
    ],
  });
  return cert.toString('pem');
}
