/**
 * Time between two periodic resyncs of a node's set: the configured gap, or the heartbeat period
 * the manager gives when that is longer. The leader stretches that period as the cluster grows so
 * its beats stay within what it takes (heartbeatPeriodFor); a resync is a call of the same kind, and
 * 5,000 nodes resyncing every 10 s made 500 fetches a second, five times the beats, for nothing:
 * a doorbell that went unanswered is rung again by the manager anyway.
 */
export function resyncGap(configuredMs: number, heartbeatPeriodMs: number | undefined): number {
  return Math.max(configuredMs, Number.isFinite(heartbeatPeriodMs) ? heartbeatPeriodMs! : 0);
}
