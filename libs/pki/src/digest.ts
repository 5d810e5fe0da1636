import { createHash, X509Certificate } from 'node:crypto';

/**
 * The root CA's digest as a join token carries it: sha256 of the certificate's DER, in base 36,
 * zero-padded to 50 characters (swarmkit's `SWMTKN-1-<digest>-<secret>`). A joining node pins the
 * CA it is shown against it before trusting anything.
 */
export function caDigest(caPem: string): string {
  const der = new X509Certificate(caPem).raw;
  const hex = createHash('sha256').update(der).digest('hex');
  return BigInt(`0x${hex}`).toString(36).padStart(50, '0');
}
