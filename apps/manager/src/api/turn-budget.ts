import type { NextFunction, Request, Response } from 'express';
import { pressureBudget, type TurnShares, turnShares } from '@flotilla/raft-host';

/** Waiting calls given a step of their own in one check phase, at most (a skipped step costs nothing). */
const MAX_STEPS_PER_TURN = 256;

/**
 * Work a turn of the event loop takes on before the rest waits for the next turn. A thousand
 * nodes' fetches and reports that piled up in their sockets while the leader was busy (a big
 * plan, a burst of applies) were all handled in the one poll phase that read them: turns of
 * 300-500 ms, in which Raft's messages and ticks waited too. Past the budget, a call waits in a
 * queue that later turns drain, a budget's worth each, between the loop's other work.
 *
 * A call's work is mostly not in `next()` itself: Nest's pipeline runs the handler in promise
 * jobs after it returns. So each waiting call goes in a step of its own (one setImmediate each,
 * and Node runs the promise jobs between two of them): a step sees what the calls before it in
 * this turn really took. Draining in one callback had timed only the synchronous part, let the
 * whole queue through at once and made turns of 100-200 ms.
 */
export class TurnBudget {
  private readonly queue: { f: () => void; at: number }[] = [];
  /** A turn's end is marked (its check phase will reset the budget). */
  private armed = false;
  private turnStart = 0;
  /** Steps scheduled for the coming check phase and not run yet. */
  private steps = 0;
  /** When this check phase's first step ran (its calls share one budget), or -1 before it. */
  private drainStart = -1;

  constructor(
    private readonly budgetMs: number,
    private readonly now: () => number = () => performance.now(),
    /** Runs a function in the check phase (setImmediate): after this turn's I/O; scheduled from there, in the next turn's. */
    private readonly later: (f: () => void) => void = (f) => void setImmediate(f),
    private readonly shares: TurnShares = turnShares,
  ) {}

  /** Runs `f` now while this turn has budget left (and nothing waits before it), else in a later turn. */
  run(f: () => void): void {
    // The first call since the loop was last idle starts a fresh turn.
    if (!this.armed) {
      this.turnStart = this.now();
      this.armed = true;
      this.later(() => this.onTurnEnd());
    }
    if (this.queue.length === 0 && this.now() - this.turnStart < this.budgetMs) return f();
    this.queue.push({ f, at: this.now() });
    if (this.steps < Math.min(this.queue.length, MAX_STEPS_PER_TURN)) this.addStep();
  }

  /** Calls waiting for a later turn. */
  get waiting(): number {
    return this.queue.length;
  }

  private addStep(): void {
    this.steps++;
    this.later(() => this.step());
  }

  /** One waiting call, if this check phase's budget allows (the first always goes). */
  private step(): void {
    this.steps--;
    const t = this.now();
    const first = this.drainStart < 0;
    if (first) this.drainStart = t;
    try {
      // A queue whose head waited over a second gets a bigger share of the turn (pressureBudget), within the turn's (TurnShares).
      const waited = this.queue.length > 0 ? t - this.queue[0].at : 0;
      if (this.queue.length > 0 && (first || t - this.drainStart < this.shares.slice('calls', pressureBudget(this.budgetMs, waited), t, waited))) this.queue.shift()!.f();
    } finally {
      // The last step of a turn hands the rest to the next turn, whatever the call did.
      if (this.steps === 0) this.nextTurn();
    }
  }

  /** The check phase of a turn with calls: it may have queued none (then steps never come). */
  private onTurnEnd(): void {
    if (this.steps === 0) this.nextTurn();
  }

  /** This turn is over: the next one starts with a budget of its own, and gets steps for what still waits. */
  private nextTurn(): void {
    this.drainStart = -1;
    this.turnStart = this.now();
    this.armed = false;
    if (this.queue.length === 0) return;
    this.armed = true;
    this.later(() => this.onTurnEnd());
    const n = Math.min(this.queue.length, MAX_STEPS_PER_TURN);
    while (this.steps < n) this.addStep();
  }
}

/**
 * The calls every node makes all the time that cost the leader work: fetching its assignments,
 * reporting its tasks. Heartbeats are not paced: each costs next to nothing, and one queued
 * behind a thousand fetches made 5,000 nodes look late (a node late long enough is marked down).
 */
const NODE_CALL = /^\/flotilla\/v1\/nodes\/[a-z0-9]{1,64}\/(assignments|status)(\?|$)/;

/** Node calls go through the budget; every other request as before. */
export function nodeCallPacing(budget: TurnBudget) {
  return (req: Request, _res: Response, next: NextFunction) => (NODE_CALL.test(req.url) ? budget.run(() => next()) : next());
}
