/** A node silent for this many of the periods it was told is overdue (Docker uses a similar grace). */
export const MISSED_PERIODS = 3;

/** Below this many ready nodes, a mass silence is not told apart from nodes really gone. */
const MASS_SILENCE_MIN_NODES = 10;

/**
 * When each node was last heard, judged against the heartbeat period it was told, on a clock
 * that stops while the manager could not listen.
 *
 * A manager starved of CPU (an overloaded machine, a long GC, a pass that held the event loop)
 * reads the beats queued meanwhile only once it runs again: that time is the manager's deafness,
 * not the nodes' silence. `deaf(ms)` adds it to a running total; a node's silence is the time since
 * it was heard minus the deafness since, so any stall is forgiven exactly, however it is cut up.
 * Pure: time is passed in.
 */
export class LivenessLedger {
  private readonly heard = new Map<string, { at: number; deafAt: number; period: number }>();
  private deafMs = 0;
  private since = 0;
  private deafAtSince = 0;
  /** Nodes of a mass silence forgiven once and not heard since: if it goes on, it is believed. */
  private readonly forgiven = new Set<string>();

  constructor(
    now: number,
    /** The period a node that never beat is judged by (the configured one). */
    private readonly basePeriodMs: number,
  ) {
    this.since = now;
  }

  /** A sign of life from `nodeId`, which is to beat every `periodMs` from now. */
  seen(nodeId: string, now: number, periodMs: number): void {
    this.heard.set(nodeId, { at: now, deafAt: this.deafMs, period: periodMs });
    this.forgiven.delete(nodeId);
  }

  /** The manager could not listen for `ms` (its timers ran that late). */
  deaf(ms: number): void {
    if (ms > 0) this.deafMs += ms;
  }

  /** Hears no one yet (a new leader): every node gets a full grace from `now`. */
  restart(now: number): void {
    this.heard.clear();
    this.forgiven.clear();
    this.since = now;
    this.deafAtSince = this.deafMs;
  }

  /** How long `nodeId` has been silent while the manager was listening. */
  silence(nodeId: string, now: number): number {
    const h = this.heard.get(nodeId);
    return h ? now - h.at - (this.deafMs - h.deafAt) : now - this.since - (this.deafMs - this.deafAtSince);
  }

  /**
   * The ready nodes to mark down: each silent for MISSED_PERIODS of the period it was told (never
   * less than the configured one). When most of a large cluster falls silent at once, the manager
   * is the likelier culprit (its network, its host): the first time, every node gets a fresh grace
   * instead; if they stay silent through it, they are down.
   */
  overdue(ready: Iterable<string>, now: number): string[] {
    const out: string[] = [];
    let count = 0;
    for (const id of ready) {
      count++;
      const period = Math.max(this.basePeriodMs, this.heard.get(id)?.period ?? 0);
      if (this.silence(id, now) > MISSED_PERIODS * period) out.push(id);
    }
    if (count >= MASS_SILENCE_MIN_NODES && out.length * 2 > count && this.forgiven.size === 0) {
      for (const id of out) {
        const h = this.heard.get(id);
        this.heard.set(id, { at: now, deafAt: this.deafMs, period: h?.period ?? this.basePeriodMs });
        this.forgiven.add(id);
      }
      return [];
    }
    for (const id of out) this.forgiven.delete(id);
    return out;
  }
}
