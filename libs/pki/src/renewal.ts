/**
 * When a node asks for a new certificate: at a random point between 50 % and 80 % of its
 * validity (swarmkit's window), so a cluster's nodes do not all renew at once. `random` in [0, 1).
 */
export function renewalTime(notBefore: number, notAfter: number, random: number): number {
  const span = notAfter - notBefore;
  return notBefore + Math.floor(span * (0.5 + 0.3 * Math.min(Math.max(random, 0), 0.999999)));
}
