import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Steps } from '@flotilla/scheduling';
import { pressureBudget, type TurnShares, turnShares } from '@flotilla/raft-host';

/**
 * Spreads the leader's planning over turns of its event loop: work runs for `sliceMs`, then waits
 * for a turn of the loop (sockets, Raft's messages and ticks, applies), then goes on. Planning
 * 100k creations (reconcile, placement, seeds) held the loop 100-300 ms per stage when each stage
 * ran in one go. What changed in the store meanwhile is read by the rest of the plan from the live
 * view; the commit's version guards and the next pass deal with it, as for any plan made on a view
 * that moved on. A plan still under way after a second gets longer slices (pressureBudget): on an
 * overloaded leader, 500k creations in 4 ms slices took 106 s to plan.
 */
/** Calls of `checkpoint` between two looks at the clock. */
const ITEMS_PER_CHECK = 1024;

export class TimeSlicer {
  private sliceStart: number;
  private items = 0;
  private readonly started: number;

  constructor(
    private readonly sliceMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly pauseTurn: () => Promise<unknown> = () => nextTurn(),
    private readonly shares: TurnShares = turnShares,
  ) {
    this.sliceStart = this.started = now();
  }

  /** Whether this slice is used up (cheap: call it every few hundred items). */
  due(): boolean {
    const t = this.now();
    return t - this.sliceStart >= this.shares.slice('plan', pressureBudget(this.sliceMs, t - this.started), t);
  }

  /** For a long loop, once per item: whether to pause here (the clock is read every 1,024 items). */
  checkpoint(): boolean {
    return ++this.items % ITEMS_PER_CHECK === 0 && this.due();
  }

  /** Lets the loop have a turn; the next slice starts after it. */
  async pause(): Promise<void> {
    await this.pauseTurn();
    this.sliceStart = this.now();
  }

  /** Runs a planner's steps to the end, pausing whenever a slice is used up. */
  async run<T>(steps: Steps<T>): Promise<T> {
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      if (this.due()) await this.pause();
    }
  }
}
