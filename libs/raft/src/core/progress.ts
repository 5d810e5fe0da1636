/**
 * The leader's view of one follower (etcd-io/raft tracker/progress.go):
 * `probe` sends one append per heartbeat until the match point is found,
 * `replicate` pipelines appends up to a bounded in-flight window, and
 * `snapshot` waits for InstallSnapshot chunks to land.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** A bounded window of in-flight appends, by count and by bytes. */
export class Inflights {
  private readonly last: number[] = [];
  private readonly sizes: number[] = [];
  private bytes = 0;

  constructor(
    private readonly maxCount: number,
    private readonly maxBytes: number,
  ) {}

  add(lastIndex: number, size: number): void {
    this.last.push(lastIndex);
    this.sizes.push(size);
    this.bytes += size;
  }

  /** Frees every message whose last entry is <= index (acknowledged). */
  freeLE(index: number): void {
    let n = 0;
    while (n < this.last.length && this.last[n] <= index) {
      this.bytes -= this.sizes[n];
      n++;
    }
    if (n > 0) {
      this.last.splice(0, n);
      this.sizes.splice(0, n);
    }
  }

  /** A heartbeat answer means the link works: let one more message through. */
  freeFirstOne(): void {
    if (this.last.length > 0) this.freeLE(this.last[0]);
  }

  full(): boolean {
    return this.last.length >= this.maxCount || (this.maxBytes > 0 && this.bytes >= this.maxBytes);
  }

  count(): number {
    return this.last.length;
  }

  reset(): void {
    this.last.length = 0;
    this.sizes.length = 0;
    this.bytes = 0;
  }
}

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** In probe state: one append is outstanding, wait for an answer or a heartbeat. */
  probeSent = false;
  /** In snapshot state: the snapshot index being sent and the bytes the follower holds. */
  pendingSnapshot = 0;
  snapOffset = 0;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(
    next: number,
    public isLearner: boolean,
    maxInflight: number,
    maxInflightBytes: number,
  ) {
    this.next = next;
    this.inflights = new Inflights(maxInflight, maxInflightBytes);
  }

  becomeProbe(): void {
    // After a snapshot, the follower holds at least the snapshot's index.
    this.next = this.state === 'snapshot' ? Math.max(this.match + 1, this.pendingSnapshot + 1) : this.match + 1;
    this.state = 'probe';
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights.reset();
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights.reset();
  }

  becomeSnapshot(index: number): void {
    this.state = 'snapshot';
    this.pendingSnapshot = index;
    this.snapOffset = 0;
    this.probeSent = false;
    this.inflights.reset();
  }

  /** A successful append answer; false when it is stale. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /**
   * A rejected append for `rejected`; `hint` is where the follower (and our
   * own log, by term) suggests to probe next. False when the answer is stale.
   */
  maybeDecrTo(rejected: number, hint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, hint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** After sending `count` entries ending at `lastIndex`. */
  sentEntries(count: number, bytes: number, lastIndex: number): void {
    if (this.state === 'replicate') {
      if (count > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex, bytes);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }
}
