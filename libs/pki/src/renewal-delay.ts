import { renewalTime } from './renewal';

/** setTimeout's ceiling is ~24.8 days; a 90-day certificate's renewal is waited for a day at a time. */
export const MAX_WAIT_MS = 86_400_000;

/**
 * Pure: how long a node waits before it renews, for a certificate valid until `notAfter` that it has
 * held since `since` (when it got it, or when it started with it). The window (50–80 %) is counted
 * from then, not from the certificate's notBefore, which is back-dated an hour for clock skew and
 * would make a short-lived certificate due at once. At most a day: then it looks again.
 */
export function renewalDelay(o: { notBefore: number; notAfter: number; since: number; now: number; random: number }): number {
  const at = renewalTime(Math.max(o.notBefore, Math.min(o.since, o.notAfter)), o.notAfter, o.random);
  return Math.min(Math.max(at - o.now, 0), MAX_WAIT_MS);
}
