import type { NextFunction, Request, Response } from 'express';

/**
 * Work a turn of the event loop takes on before the rest waits for the next turn. A thousand
 * nodes' fetches and reports that piled up in their sockets while the leader was busy (a big
 * plan, a burst of applies) were all handled in the one poll phase that read them: turns of
 * 300-500 ms, in which Raft's messages and ticks waited too. Past the budget, a call waits in a
 * queue that later turns drain, a budget's worth each, between the loop's other work.
 */
export class TurnBudget {
  private readonly queue: (() => void)[] = [];
  private armed = false;
  private turnStart = 0;

  constructor(
    private readonly budgetMs: number,
    private readonly now: () => number = () => performance.now(),
    /** Runs a function once the loop has done its other work (setImmediate: the check phase). */
    private readonly later: (f: () => void) => void = (f) => void setImmediate(f),
  ) {}

  /** Runs `f` now while this turn has budget left (and nothing waits before it), else in a later turn. */
  run(f: () => void): void {
    // The first call since the loop was last idle starts a fresh turn.
    if (!this.armed) {
      this.turnStart = this.now();
      this.arm();
    }
    if (this.queue.length === 0 && this.now() - this.turnStart < this.budgetMs) return f();
    this.queue.push(f);
  }

  /** Calls waiting for a later turn. */
  get waiting(): number {
    return this.queue.length;
  }

  private arm(): void {
    this.armed = true;
    this.later(() => this.onTurnEnd());
  }

  private onTurnEnd(): void {
    this.armed = false;
    const t0 = this.now();
    // At least one a turn, whatever the budget.
    while (this.queue.length > 0) {
      this.queue.shift()!();
      if (this.now() - t0 >= this.budgetMs) break;
    }
    // The next turn's calls get a budget of their own.
    this.turnStart = this.now();
    if (this.queue.length > 0) this.arm();
  }
}

/** The calls every node makes all the time: its assignments, its reports, its heartbeats. */
const NODE_CALL = /^\/flotilla\/v1\/nodes\/[a-z0-9]{1,64}\/(assignments|status|heartbeat)(\?|$)/;

/** Node calls go through the budget; every other request as before. */
export function nodeCallPacing(budget: TurnBudget) {
  return (req: Request, _res: Response, next: NextFunction) => (NODE_CALL.test(req.url) ? budget.run(() => next()) : next());
}
