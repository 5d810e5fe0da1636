import type { Batch } from './command';
import type { ChangeEvent } from './change';
import { StateMachine } from './state-machine';
import type { StateStore } from './state-store';
import type { StateView } from './state-view';

/**
 * A store with no persistence and no replication: for unit tests of the
 * control loops and for hollow benchmarks. Applies batches in call order.
 */
export class MemoryStore implements StateStore {
  private readonly fsm: StateMachine;
  private readonly listeners = new Set<(e: ChangeEvent) => void>();

  constructor(fsm = new StateMachine()) {
    this.fsm = fsm;
  }

  async propose(batch: Batch): Promise<number> {
    return this.applyNow(structuredClone(batch));
  }

  /** Synchronous variant for pure tests. */
  applyNow(batch: Batch): number {
    const out = this.fsm.apply(this.fsm.index + 1, batch);
    if (!out.ok) throw out.error;
    for (const l of this.listeners) l(out.event);
    return out.event.index;
  }

  view(): StateView {
    return this.fsm;
  }

  watch(listener: (e: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isWritable(): boolean {
    return true;
  }

  /** Always the only writer: never changes. */
  onLeaderChange(): () => void {
    return () => undefined;
  }
}
