import { FlotillaError } from '@flotilla/contracts';

/** swarmkit's default node certificate lifetime (90 days), in nanoseconds as the API carries it. */
export const DEFAULT_CERT_EXPIRY_NS = 90 * 24 * 3600 * 1e9;
/** swarmkit's floor (Docker: "minimum certificate expiry time is: 1h0m0s"). */
const MIN_CERT_EXPIRY_MS = 3_600_000;

/**
 * Pure: the NodeCertExpiry a `swarm update` asks for, checked as dockerd does, or undefined to keep
 * the current one. `minMs` lowers the floor for tests (FLOTILLA_MIN_CERT_EXPIRY_MS), so renewal can be
 * watched in seconds rather than hours.
 */
export function nodeCertExpiry(requestedNs: unknown, minMs = MIN_CERT_EXPIRY_MS): number | undefined {
  if (requestedNs === undefined || requestedNs === null || requestedNs === 0) return undefined;
  if (typeof requestedNs !== 'number' || !Number.isSafeInteger(requestedNs) || requestedNs < 0) {
    throw new FlotillaError('invalid_argument', 'CAConfig.NodeCertExpiry must be a whole number of nanoseconds');
  }
  if (requestedNs < minMs * 1e6) throw new FlotillaError('invalid_argument', `rpc error: code = InvalidArgument desc = minimum certificate expiry time is: ${goDuration(minMs)}`);
  return requestedNs;
}

/** The floor this manager applies (the test override, else swarmkit's hour). */
export function minCertExpiryMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.FLOTILLA_MIN_CERT_EXPIRY_MS);
  return Number.isSafeInteger(v) && v > 0 ? v : MIN_CERT_EXPIRY_MS;
}

/** A duration as Go prints it for whole seconds ("1h0m0s", "10s"). */
function goDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h ? `${h}h${m}m${r}s` : m ? `${m}m${r}s` : `${r}s`;
}
