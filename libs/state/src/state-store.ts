import type { Batch } from './command';
import type { ChangeEvent } from './change';
import type { StateView } from './state-view';

/**
 * The port the control loops and the API write and read through. One
 * implementation keeps a local log on disk (single manager); the Raft-backed
 * one replicates batches to the other managers. Callers cannot tell them apart.
 */
export interface StateStore {
  /** Resolves once the batch is committed and applied, with its index; rejects with a FlotillaError. */
  propose(batch: Batch): Promise<number>;
  /** The live view; read synchronously. */
  view(): StateView;
  /** Called after each applied batch, in index order. Returns an unsubscribe function. */
  watch(listener: (event: ChangeEvent) => void): () => void;
  /** Whether this store may accept writes now (the leader, or the only manager). */
  isWritable(): boolean;
  /**
   * Called when this store gains or loses the right to write (a Raft leader
   * change). Loops that act only on the leader start over on `true`.
   */
  onLeaderChange(listener: (isLeader: boolean) => void): () => void;
}
