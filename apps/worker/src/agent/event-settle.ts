/** How long a look prompted by an engine event waits for the events that follow it. */
export const LOCAL_SETTLE_MS = 50;

/**
 * The wait before the look an engine event chunk prompts. Containers start and die in bursts, so most
 * looks wait a moment to see a burst at once; a health verdict comes alone (the engine tells only a
 * change) and something waits on it (a `depends_on: service_healthy` start, the ingress), so its look
 * is at once.
 */
export function settleFor(chunk: string): number {
  return chunk.includes('"Action":"health_status') ? 0 : LOCAL_SETTLE_MS;
}
