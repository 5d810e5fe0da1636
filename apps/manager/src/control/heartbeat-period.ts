/** Heartbeats per second the leader takes at most, whatever the cluster's size. */
export const MAX_BEATS_PER_SECOND = 100;

/**
 * The heartbeat period a node is told (workers beat twice per period): the configured one, or
 * longer when the cluster is so large that the leader would take more than `maxPerSecond` beats,
 * as Nomad stretches its heartbeat TTL with the node count (max_heartbeats_per_second). A
 * thousand nodes beating every 2.5 s made 400 HTTP calls a second, most of a leader's request work.
 */
export function heartbeatPeriodFor(nodes: number, baseMs: number, maxPerSecond = MAX_BEATS_PER_SECOND): number {
  return Math.max(baseMs, Math.ceil((2 * nodes * 1000) / maxPerSecond));
}
