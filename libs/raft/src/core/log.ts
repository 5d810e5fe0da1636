import { RaftError } from './errors';
import type { Entry, Snapshot } from './types';
import { entrySize } from './types';

/**
 * The in-memory log of one member: a compacted prefix (`offset`, `offsetTerm`),
 * the entries after it, and the indexes that track what is persisted
 * (`stabled`), committed, handed out for applying (`applying`) and applied.
 *
 * The whole uncompacted suffix stays in memory: a manager's store compacts
 * often, and it keeps the core free of storage callbacks (the driver persists
 * what `Ready` hands out). Shape after etcd-io/raft log.go + log_unstable.go.
 */
export class RaftLog {
  /** Index of the entry just before `entries[0]` (the compaction point). */
  private offset: number;
  private offsetTerm: number;
  private entries: Entry[] = [];
  committed: number;
  /** Highest index handed out in a Ready for applying. */
  applying: number;
  /** Highest index the driver confirmed applied (advance). */
  applied: number;
  /** Highest index known to be on stable storage. */
  stabled: number;
  /** The latest snapshot, sent to members that fell behind the compaction point. */
  snapshot: Snapshot | null;
  /** A snapshot received from the leader, not yet persisted and applied by the driver. */
  pendingSnapshot: Snapshot | null = null;

  constructor(snapshot: Snapshot | null, entries: readonly Entry[], committed: number) {
    this.snapshot = snapshot;
    this.offset = snapshot?.meta.index ?? 0;
    this.offsetTerm = snapshot?.meta.term ?? 0;
    for (const e of entries) {
      if (e.index <= this.offset) continue;
      if (e.index !== this.lastIndex() + 1) {
        throw new RaftError('corrupt', `log gap: entry ${e.index} after ${this.lastIndex()}`);
      }
      this.entries.push(e);
    }
    this.stabled = this.lastIndex();
    this.committed = Math.min(Math.max(committed, this.offset), this.lastIndex());
    this.applying = this.offset;
    this.applied = this.offset;
  }

  firstIndex(): number {
    return this.offset + 1;
  }

  lastIndex(): number {
    return this.offset + this.entries.length;
  }

  /** The term of entry `i`, or undefined when it is compacted away or beyond the end. */
  term(i: number): number | undefined {
    if (i === this.offset) return this.offsetTerm;
    if (i < this.offset || i > this.lastIndex()) return undefined;
    return this.entries[i - this.offset - 1].term;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  entry(i: number): Entry | undefined {
    if (i <= this.offset || i > this.lastIndex()) return undefined;
    return this.entries[i - this.offset - 1];
  }

  matchTerm(i: number, t: number): boolean {
    return this.term(i) === t;
  }

  /** §5.4.1: a candidate's log is at least as up-to-date as ours. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Index of the first entry that is new or conflicts with ours; 0 when all are present. */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term` (with that term).
   * Used on both sides of fast backup: a follower answers a rejected append
   * with it, and the leader jumps to it (etcd's findConflictByTerm).
   * Returns term 0 when the answer is in the compacted prefix.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex());
    for (;;) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
      i--;
    }
  }

  /**
   * Figure 2, AppendEntries receiver steps 2–5. Returns the index of the last
   * new entry, or null when (index, logTerm) does not match (reject).
   */
  maybeAppend(index: number, logTerm: number, commit: number, ents: readonly Entry[]): number | null {
    if (!this.matchTerm(index, logTerm)) return null;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new RaftError('corrupt', `entry ${ci} conflicts with committed entry (commit ${this.committed})`);
      }
      this.append(ents.slice(ci - index - 1));
    }
    // Step 5 with the paper's caveat: only up to the last entry this message vouches for.
    this.commitTo(Math.min(commit, lastNew));
    return lastNew;
  }

  /** Appends, truncating any suffix from `ents[0].index` on (step 3). */
  append(ents: readonly Entry[]): void {
    if (ents.length === 0) return;
    const first = ents[0].index;
    if (first <= this.committed) throw new RaftError('corrupt', `append at ${first} would overwrite commit ${this.committed}`);
    if (first > this.lastIndex() + 1) throw new RaftError('corrupt', `append at ${first} leaves a gap after ${this.lastIndex()}`);
    if (first <= this.lastIndex()) this.entries.length = first - this.offset - 1;
    for (const e of ents) this.entries.push(e);
    this.stabled = Math.min(this.stabled, first - 1);
  }

  /** Entries [lo, hi), at most `maxBytes` but always at least one. Throws when lo is compacted. */
  slice(lo: number, hi: number, maxBytes = Infinity): Entry[] {
    if (lo <= this.offset) throw new RaftError('compacted', `entry ${lo} is compacted (first ${this.firstIndex()})`);
    hi = Math.min(hi, this.lastIndex() + 1);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < hi; i++) {
      const e = this.entries[i - this.offset - 1];
      bytes += entrySize(e);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  commitTo(i: number): void {
    if (i <= this.committed) return;
    if (i > this.lastIndex()) throw new RaftError('corrupt', `commit ${i} beyond last index ${this.lastIndex()}`);
    this.committed = i;
  }

  unstableEntries(): Entry[] {
    return this.stabled >= this.lastIndex() ? [] : this.entries.slice(this.stabled - this.offset);
  }

  /** The driver persisted up to (index, term); ignored if the log was rewritten since. */
  stableTo(index: number, term: number): void {
    if (this.matchTerm(index, term) && index > this.stabled) this.stabled = index;
  }

  hasNextCommitted(): boolean {
    return this.committed > this.applying && this.pendingSnapshot === null;
  }

  /** Committed entries not yet handed out. Marks them as applying. */
  takeCommitted(maxCount = 4096, maxBytes = Infinity): Entry[] {
    if (!this.hasNextCommitted()) return [];
    let hi = Math.min(this.committed, this.applying + maxCount);
    // A byte budget too (always at least one entry): the host applies a Ready in one go, and a
    // follower catching up on thousands of large entries would otherwise stall its event loop.
    let bytes = 0;
    for (let i = this.applying + 1; i <= hi; i++) {
      bytes += entrySize(this.entries[i - 1 - this.offset]);
      if (bytes > maxBytes && i > this.applying + 1) {
        hi = i - 1;
        break;
      }
    }
    const out = this.entries.slice(this.applying - this.offset, hi - this.offset);
    this.applying = hi;
    return out;
  }

  appliedTo(i: number): void {
    if (i > this.applied) this.applied = i;
  }

  /** Replace the whole log with a snapshot received from the leader. */
  restore(s: Snapshot): void {
    this.offset = s.meta.index;
    this.offsetTerm = s.meta.term;
    this.entries = [];
    this.committed = s.meta.index;
    this.applying = s.meta.index;
    this.stabled = s.meta.index;
    this.snapshot = s;
    this.pendingSnapshot = s;
  }

  /**
   * Record a snapshot the driver took at `s.meta.index` and drop entries up to
   * `keepFrom - 1` (a few entries may be kept for slow followers).
   */
  compact(s: Snapshot, keepFrom: number): void {
    if (s.meta.index > this.applied) throw new RaftError('compacted', `snapshot ${s.meta.index} beyond applied ${this.applied}`);
    if (!this.snapshot || s.meta.index > this.snapshot.meta.index) this.snapshot = s;
    const upTo = Math.min(keepFrom - 1, s.meta.index, this.stabled);
    if (upTo <= this.offset) return;
    const t = this.term(upTo) as number;
    this.entries = this.entries.slice(upTo - this.offset);
    this.offset = upTo;
    this.offsetTerm = t;
  }
}
