import type { Message } from '../core/messages';
import type { NodeId } from '../core/types';
import type { Transport } from './transport';

/** A hub of in-process transports: each send is delivered on a later macrotask. */
export class MemoryHub {
  private readonly members = new Map<string, MemoryTransport>();
  /** Links cut by tests, as "from->to". */
  readonly cut = new Set<string>();

  connect(id: NodeId): MemoryTransport {
    const t = new MemoryTransport(id, this);
    this.members.set(id, t);
    return t;
  }

  deliver(m: Message): void {
    if (this.cut.has(`${m.from}->${m.to}`)) return;
    const t = this.members.get(m.to);
    if (t) setImmediate(() => t.receive(m));
  }

  leave(id: NodeId): void {
    this.members.delete(id);
  }
}

export class MemoryTransport implements Transport {
  private handler: ((m: Message) => void) | null = null;
  private closed = false;

  constructor(
    readonly address: string,
    private readonly hub: MemoryHub,
  ) {}

  send(messages: readonly Message[]): void {
    if (this.closed) return;
    for (const m of messages) this.hub.deliver(m);
  }

  onMessage(handler: (m: Message) => void): void {
    this.handler = handler;
  }

  receive(m: Message): void {
    if (!this.closed) this.handler?.(m);
  }

  setPeer(): void {
    /* every member of the hub is reachable by id */
  }

  removePeer(): void {
    /* idem */
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.leave(this.address);
  }
}
