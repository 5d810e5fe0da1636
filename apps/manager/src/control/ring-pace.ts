/** Longest pause between two rings of one node. */
export const MAX_RING_GAP_MS = 1_000;

/**
 * The least time between two doorbells of one node, growing with the cluster: each ring costs
 * the leader a fetch (an HTTP call) and Redis a job, and a 100k-task service committed in
 * chunks touched every one of 1,000 nodes per chunk, so rings (and fetches) ran at 30 per
 * task-holding node. A few nodes are rung at once (1 ms per node), a thousand at most once a second.
 */
export function ringGapFor(nodes: number, maxMs = MAX_RING_GAP_MS): number {
  return Math.min(maxMs, Math.max(0, Math.floor(nodes)));
}
