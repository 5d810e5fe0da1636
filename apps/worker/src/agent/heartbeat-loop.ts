import type { HeartbeatResponse } from '@flotilla/contracts';

/** Least time between two beats, whatever a manager says. */
const MIN_GAP_MS = 200;

/**
 * Beats twice per heartbeat period, at the period the manager last gave: the leader stretches it
 * as the cluster grows, so a large cluster's beats stay within what one leader takes. Beats keep
 * their cadence whatever the last one's fate: a manager slow to answer (queued requests on an
 * overloaded machine) must still hear from the node on time, or it marks it down.
 */
export class HeartbeatLoop {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly beat: () => Promise<HeartbeatResponse | void>,
    private periodMs: number,
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

  private next(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.once(), Math.max(MIN_GAP_MS, this.periodMs / 2));
  }

  private async once(): Promise<void> {
    this.next();
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
