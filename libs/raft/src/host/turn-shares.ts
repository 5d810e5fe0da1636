/**
 * Milliseconds one event-loop turn gives the paced kinds of work together, while they keep up. The
 * rest of a turn (reading sockets, Raft's Ready, GC) is not paced here. The leader's loop delay p99
 * (bench/control-plane, 1,000 nodes, 100k tasks) was ~83 ms at 20, ~74 at 12, 50-59 at 8, 50-58 at
 * 4 and 41-49 at 3 (nine runs of nine, with node calls at 1 ms): a short turn comes round again
 * sooner, so each poll phase finds fewer calls piled up in the sockets, and the turns a scavenge
 * lands in stay under 50 ms. Throughput stayed above 10k tasks/s (10.4-11.6k, was 10.9-12.1k).
 */
const TURN_MS = 3;
/** Work waiting this long (a node call in the queue, an entry not yet applied) makes the turn grow... */
const GROW_AFTER_MS = 2000;
/** ...by this many milliseconds per second waited beyond that... */
const GROWTH_PER_S = 20;
/** ...up to this. */
const MAX_TURN_MS = 50;
/** A kind that has not asked for a slice this long has no work waiting: it no longer counts. */
const STALE_MS = 250;

/**
 * One turn of the event loop, shared out. Each paced kind of work (applies, queued node calls,
 * planning) has a share of a turn that grows while its backlog ages (pressureBudget). Grown
 * separately, they added up to turns of 100-150 ms on a loaded leader: the loop delay the API,
 * Raft's ticks and every socket see. Here the kinds with work waiting split one turn in proportion
 * to their shares, so pressure still moves time to whatever waits longest.
 *
 * The turn itself stays short until work has waited two seconds. A leader past that is overloaded
 * (5,000 nodes on two cores), and short turns then cost more than they give: node calls waited past
 * the nodes' 15 s timeout behind 8 ms turns, and 5,000 × 500k took 220 s with 22k timeouts instead
 * of ~90 s with none. Pure: the caller passes the clock.
 */
export class TurnShares {
  private readonly asked = new Map<string, { shareMs: number; waitedMs: number; at: number }>();

  constructor(private readonly turnMs = TURN_MS) {}

  /**
   * The milliseconds `kind` may take in this slice, given the share it would take alone and how
   * long its oldest item has waited (0 for work that is not a backlog, such as a plan).
   */
  slice(kind: string, shareMs: number, now: number, waitedMs = 0): number {
    this.asked.set(kind, { shareMs, waitedMs, at: now });
    let total = 0;
    let waited = 0;
    for (const [k, a] of this.asked) {
      if (now - a.at > STALE_MS) this.asked.delete(k);
      else {
        total += a.shareMs;
        waited = Math.max(waited, a.waitedMs);
      }
    }
    return Math.min(shareMs, (turnFor(this.turnMs, waited) * shareMs) / total);
  }
}

/** The turn for `baseMs` when the oldest paced work has waited `waitedMs`. */
function turnFor(baseMs: number, waitedMs: number): number {
  return Math.max(baseMs, Math.min(MAX_TURN_MS, baseMs + (Math.max(0, waitedMs - GROW_AFTER_MS) * GROWTH_PER_S) / 1000));
}

/** The process's one loop, shared by the Raft host's applies, the API's node calls and the planner. */
export const turnShares = new TurnShares();
