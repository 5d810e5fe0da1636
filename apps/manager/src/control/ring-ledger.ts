/**
 * Per node: the newest change it has not been served yet, the bell rung for
 * it that no fetch has answered yet, and the newest set it was served.
 *
 * A worker given a ring at index I fetches unless it holds a set at I or
 * later. So a change at or below the newest set served is no news, and a ring
 * is only worth holding others back for while no set at its index has gone
 * out. A ring the worker ignores anyway (it holds a set another manager
 * served, say) holds the node back at most `staleMs`: `retryAt` says when the
 * dispatcher must look again rather than wait for the next change.
 */
export class RingLedger {
  private readonly nodes = new Map<string, { want: number; rung: number; rungAt: number }>();
  private readonly lastServed = new Map<string, number>();
  /** When each node was last rung, kept after it fetched: the pace between two rings of one node. */
  private readonly lastRung = new Map<string, number>();

  changed(nodeId: string, index: number): void {
    if (index <= (this.lastServed.get(nodeId) ?? 0)) return;
    const n = this.nodes.get(nodeId);
    if (!n) this.nodes.set(nodeId, { want: index, rung: 0, rungAt: 0 });
    else if (index > n.want) n.want = index;
  }

  /** Returns when the bell this fetch answered was rung (the `now` given to `shouldRing`), if one was. */
  served(nodeId: string, index: number): number | undefined {
    if (index > (this.lastServed.get(nodeId) ?? 0)) this.lastServed.set(nodeId, index);
    const n = this.nodes.get(nodeId);
    if (!n) return undefined;
    const answered = n.rung !== 0 && n.rung <= index ? n.rungAt : undefined;
    if (n.want <= index) n.want = 0;
    if (n.rung <= index) n.rung = 0;
    if (n.want === 0 && n.rung === 0) this.nodes.delete(nodeId);
    return answered;
  }

  /**
   * A change the node was not served and no bell is out for: a fetch answered the bell that held
   * the change back, but was read before it. It must be rung now, not at the next change.
   */
  owes(nodeId: string): boolean {
    const n = this.nodes.get(nodeId);
    return !!n && n.want !== 0 && n.rung === 0;
  }

  /** Nodes with a change they have not fetched yet: the dispatcher's backlog. */
  pendingCount(): number {
    let n = 0;
    for (const x of this.nodes.values()) if (x.want !== 0) n++;
    return n;
  }

  /** Bells may have been lost (Redis emptied, a new leader): ring again for whatever was not served. */
  resend(nodeId: string, index: number): void {
    const n = this.nodes.get(nodeId);
    if (n) n.rung = 0;
    this.changed(nodeId, index);
  }

  /** The bell never went (the queue refused it): the change still waits, and the next look rings for it. */
  unrung(nodeId: string): void {
    const n = this.nodes.get(nodeId);
    if (n) n.rung = 0;
  }

  /** A node removed, or a new worker process that holds no set at all. */
  forget(nodeId: string): void {
    this.nodes.delete(nodeId);
    this.lastServed.delete(nodeId);
    this.lastRung.delete(nodeId);
  }

  /**
   * Whether a bell at `index` is needed now; if so, it is recorded as rung. A node rung less than
   * `gapMs` ago waits (`retryAt` says until when): while a big service comes up in chunks, its
   * changes gather into one fetch instead of one fetch per chunk.
   */
  shouldRing(nodeId: string, index: number, now: number, staleMs: number, gapMs = 0): boolean {
    const n = this.nodes.get(nodeId);
    // Served since the change: nothing left to tell.
    if (!n || n.want === 0) return false;
    if (n.rung !== 0 && now - n.rungAt < staleMs) return false;
    const last = this.lastRung.get(nodeId);
    if (last !== undefined && now - last < gapMs) return false;
    n.rung = index;
    n.rungAt = now;
    this.lastRung.set(nodeId, now);
    return true;
  }

  /**
   * For a node with news held back: when the unanswered bell counts as lost, or, with no bell
   * out, when the pace lets it be rung again.
   */
  retryAt(nodeId: string, staleMs: number, gapMs = 0): number | undefined {
    const n = this.nodes.get(nodeId);
    if (!n || n.want === 0) return undefined;
    if (n.rung !== 0) return n.rungAt + staleMs;
    const last = this.lastRung.get(nodeId);
    return last !== undefined && gapMs > 0 ? last + gapMs : undefined;
  }
}
