import { randomBytes, webcrypto } from 'node:crypto';
import { FlotillaError } from '@flotilla/contracts';
import { ALG, x509 } from './x509';
import { pemToDer } from './pem';
import { checkedPublicKey } from './node-key';
import type { RootCA } from './ca';

/** The organisational unit of a user's certificate: not a role any node link accepts. */
export const CLIENT_OU = 'swarm-client';

/** A user's certificate lives as long as a node's (swarmkit's 90 days); `client-cert` makes another. */
export const CLIENT_TTL_MS = 90 * 86_400_000;
const BACKDATE_MS = 60 * 60_000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface ClientCertRequest {
  /** The user's public key (SPKI PEM, P-256): made where the files are written, never sent. */
  publicKeyPem: string;
  /** Who holds it (CN), for logs: `client-cert --name`, else the user name. */
  name: string;
  clusterId: string;
}

/**
 * A certificate for a user of the remote API: CN = name, OU = swarm-client, O = cluster id. It is
 * good for the client end of TLS only (extended key usage clientAuth, no swarm-manager name), so it
 * can neither serve as a manager nor pass for a node: node and Raft links refuse OU=swarm-client.
 */
export async function issueClientCertificate(ca: RootCA, req: ClientCertRequest, now: number, ttlMs = CLIENT_TTL_MS): Promise<string> {
  if (!NAME.test(req.name)) throw new FlotillaError('invalid_argument', `bad client name ${JSON.stringify(req.name)} (letters, digits, . _ -, at most 64)`);
  if (!/^[a-z0-9]{1,64}$/.test(req.clusterId)) throw new FlotillaError('invalid_argument', `bad cluster id ${JSON.stringify(req.clusterId)}`);
  const spki = pemToDer(checkedPublicKey(req.publicKeyPem), 'PUBLIC KEY');
  const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const publicKey = await webcrypto.subtle.importKey('spki', spki, ecdsa, true, ['verify']);
  const signingKey = await webcrypto.subtle.importKey('pkcs8', pemToDer(ca.keyPem, 'PRIVATE KEY'), ecdsa, false, ['sign']);
  const root = new x509.X509Certificate(ca.certPem);
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: `CN=${req.name}, OU=${CLIENT_OU}, O=${req.clusterId}`,
    issuer: root.subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(Math.min(now + ttlMs, root.notAfter.getTime())),
    signingAlgorithm: ALG,
    publicKey,
    signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(root),
    ],
  });
  return cert.toString('pem');
}
