/** Work waiting this long before its share of a turn starts to grow. */
const GROW_AFTER_MS = 1000;
/** Milliseconds of budget per second waited beyond that. */
const GROWTH_PER_S = 20;
/** The most a turn gives any one kind of work. */
const MAX_BUDGET_MS = 50;

/**
 * A kind of work's share of one event-loop turn: `baseMs` while it keeps up, more as its oldest
 * item waits. Short turns keep Raft's ticks and the sockets prompt; but a leader overloaded for
 * longer (5,000 nodes on two cores) that kept every share at its base let its node calls wait
 * past the nodes' 15 s timeout and its planning crawl (500k tasks: 212 s instead of ~70 s), so
 * a backlog a second old buys itself longer turns, up to 50 ms. Pure.
 */
export function pressureBudget(baseMs: number, waitedMs: number): number {
  return Math.min(MAX_BUDGET_MS, baseMs + (Math.max(0, waitedMs - GROW_AFTER_MS) * GROWTH_PER_S) / 1000);
}
