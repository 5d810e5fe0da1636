/** First wait before a failed fetch of the node's set is tried again, and the longest. */
export const FETCH_RETRY_FIRST_MS = 1_000;
export const FETCH_RETRY_MAX_MS = 30_000;

/**
 * When to fetch again after `failures` fetches in a row failed (a manager busy past the client's
 * timeout, a reset): doubling from a second up to thirty, each spread over its upper half so nodes
 * that failed together do not come back together. Without it such a node waited for its periodic
 * resync (the heartbeat period at 5,000 nodes, about a minute): the manager counts an answer it sent
 * as served and does not ring for it again.
 */
export function fetchRetryDelay(failures: number, random: number): number {
  const cap = Math.min(FETCH_RETRY_MAX_MS, FETCH_RETRY_FIRST_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(cap / 2 + (cap / 2) * random);
}
