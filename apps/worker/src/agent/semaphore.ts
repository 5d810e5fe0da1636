/**
 * Bounds how many Docker calls run at once; the engine slows down past a handful.
 * An `urgent` caller (a stop) takes the next free slot before any other waiter,
 * so removals and creates queued earlier never delay the engine's stop work.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly urgent: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>, opts: { urgent?: boolean } = {}): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => (opts.urgent ? this.urgent : this.waiters).push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      (this.urgent.shift() ?? this.waiters.shift())?.();
    }
  }
}
