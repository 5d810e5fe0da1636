import type { NodeId } from './types';

/** A linearizable read may be served once the state machine has applied `index`. */
export interface ReadState {
  readonly index: number;
  readonly context: string;
}

interface Pending {
  readonly index: number;
  readonly from: NodeId;
  readonly acks: Set<NodeId>;
}

/**
 * ReadIndex (thesis §6.4): the leader records its commit index for a read,
 * confirms it is still leader with a round of heartbeats carrying the read's
 * context, and releases the read once a majority answered. A confirmation
 * also confirms every read queued before it.
 */
export class ReadOnly {
  private readonly pending = new Map<string, Pending>();
  private readonly queue: string[] = [];

  add(index: number, context: string, from: NodeId): void {
    if (this.pending.has(context)) return;
    this.pending.set(context, { index, from, acks: new Set() });
    this.queue.push(context);
  }

  /** Records an ack; returns the ackers so far, or null for an unknown context. */
  ack(from: NodeId, context: string): ReadonlySet<NodeId> | null {
    const p = this.pending.get(context);
    if (!p) return null;
    p.acks.add(from);
    return p.acks;
  }

  /** Releases `context` and everything queued before it. */
  release(context: string): { index: number; from: NodeId; context: string }[] {
    const at = this.queue.indexOf(context);
    if (at < 0) return [];
    const out = this.queue.splice(0, at + 1).map((c) => {
      const p = this.pending.get(c) as Pending;
      this.pending.delete(c);
      return { index: p.index, from: p.from, context: c };
    });
    return out;
  }

  lastContext(): string | null {
    return this.queue.length > 0 ? this.queue[this.queue.length - 1] : null;
  }

  size(): number {
    return this.queue.length;
  }
}
