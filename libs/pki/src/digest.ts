import { createHash, X509Certificate } from 'node:crypto';

/**
 * The root CA's digest as a join token carries it, computed as swarmkit does (checked against a
 * real swarm: `docker swarm ca` hashed gives the token's middle part): sha256 of the certificate's
 * PEM text (one trailing newline), in base 36, zero-padded to 50 characters
 * (`SWMTKN-1-<digest>-<secret>`). A joining node pins the CA it is shown against it before
 * trusting anything.
 */
export function caDigest(caPem: string): string {
  new X509Certificate(caPem); // a certificate, or a clear throw
  const pem = `${caPem.replace(/\r\n/g, '\n').trim()}\n`;
  const hex = createHash('sha256').update(pem).digest('hex');
  return BigInt(`0x${hex}`).toString(36).padStart(50, '0');
}
