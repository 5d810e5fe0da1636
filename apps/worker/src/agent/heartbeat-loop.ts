import type { HeartbeatResponse } from '@flotilla/contracts';

/** Least time between two beats, whatever a manager says. */
const MIN_GAP_MS = 200;

/**
 * Beats twice per heartbeat period, at the period the manager last gave: the leader stretches it
 * as the cluster grows, so a large cluster's beats stay within what one leader takes. Beats keep
 * their cadence whatever the last one's fate: a manager slow to answer (queued requests on an
 * overloaded machine) must still hear from the node on time, or it marks it down.
 *
 * A manager counts any answered call of the node (a fetch, a report) as a sign of life. So a beat
 * due less than half a period after such a call is skipped, though never two in a row: the beat's
 * answer also carries the period and certificate news. On a leader taking a 100k-task service to
 * 1,000 nodes, beats were a third of the node calls, and unpaced (each read at once, in bursts).
 */
export class HeartbeatLoop {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private heardAt = -Infinity;
  private skipped = false;

  constructor(
    private readonly beat: () => Promise<HeartbeatResponse | void>,
    private periodMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The period beats follow now. */
  get period(): number {
    return this.periodMs;
  }

  start(): void {
    this.next();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** A manager just answered another call of this node: it has heard from the node. */
  heard(): void {
    this.heardAt = this.now();
  }

  private next(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.once(), Math.max(MIN_GAP_MS, this.periodMs / 2));
  }

  private async once(): Promise<void> {
    this.next();
    if (!this.skipped && this.now() - this.heardAt < this.periodMs / 2) {
      this.skipped = true;
      return;
    }
    this.skipped = false;
    try {
      const r = await this.beat();
      // An older manager answers with no body: the period stays (and applies from the beat after next).
      const p = r ? r.heartbeatPeriodMs : undefined;
      if (typeof p === 'number' && Number.isFinite(p) && p >= 100) this.periodMs = p;
    } catch {
      // A missed beat is the manager's to judge; the next one goes on time.
    }
  }
}
