import { join } from 'node:path';
import type { InitialState } from '../core/config';
import type { Ready } from '../core/ready';
import type { Entry, Snapshot } from '../core/types';
import { SnapshotStore } from './snapshot-store';
import { Wal } from './wal';
import type { WalOptions } from './wal';

/**
 * A member's durable state in one directory:
 *   <dir>/wal/<seq>.wal     write-ahead log segments
 *   <dir>/snap/<i>-<t>.snap state-machine snapshots
 * `open()` gives the core its InitialState; `saveReady()` persists a Ready
 * before its messages are sent; `saveSnapshot()` records a local compaction.
 */
export class DiskStorage {
  readonly tornBytes: number;
  private readonly wal: Wal;
  private readonly snaps: SnapshotStore;
  private readonly initial: InitialState;

  /** Plaintext WAL records and snapshot files found at open (a dir from before encryption), rewritten sealed. */
  readonly migrated: { walRecords: number; snapshots: number };

  /** With `opts.cipher`, everything is written sealed and plaintext left from before is rewritten sealed. */
  constructor(dir: string, opts: Partial<WalOptions> = {}) {
    this.snaps = new SnapshotStore(join(dir, 'snap'), opts.fsync ?? true, opts.cipher);
    const snapshot = this.snaps.loadLatest();
    const { wal, contents } = Wal.open(join(dir, 'wal'), opts);
    this.wal = wal;
    this.tornBytes = contents.tornBytes;
    this.migrated = { walRecords: opts.cipher ? contents.plainRecords : 0, snapshots: this.snaps.resealed };
    this.initial = { hardState: contents.hard, snapshot, entries: entriesAfter(snapshot, contents.entries) };
  }

  initialState(): InitialState {
    return this.initial;
  }

  /** Step 1 of the Ready contract. The snapshot file lands before the WAL forgets the old log. */
  saveReady(rd: Ready): void {
    if (rd.snapshot) this.snaps.save(rd.snapshot);
    const reset = rd.snapshot ? { index: rd.snapshot.meta.index, term: rd.snapshot.meta.term } : undefined;
    this.wal.save(rd.hardState, rd.entries, rd.mustSync, reset);
    if (rd.snapshot) this.wal.releaseTo(rd.snapshot.meta.index);
  }

  /**
   * Step 1 split in two for a driver that syncs off the event loop: writes the Ready
   * and answers whether an fsync is still owed (then `sync()` must settle before the
   * Ready's acks leave or the core hears it is stable). A Ready carrying a snapshot
   * is saved and synced here in full: old segments are released only behind a
   * durable reset record.
   */
  writeReady(rd: Ready): boolean {
    if (rd.snapshot) {
      this.saveReady(rd);
      return false;
    }
    return this.wal.append(rd.hardState, rd.entries) && rd.mustSync && this.wal.syncs;
  }

  /** One fdatasync covering every write since the last. */
  sync(): Promise<void> {
    return this.wal.flushAsync();
  }

  saveSnapshot(s: Snapshot): void {
    this.snaps.save(s);
    this.wal.releaseTo(s.meta.index);
  }

  segmentCount(): number {
    return this.wal.segmentCount();
  }

  close(): void {
    this.wal.close();
  }
}

/**
 * The entries that follow `snap`. If the WAL holds an entry at the snapshot's
 * index with another term, its later entries belong to a discarded history
 * (a crash between writing a leader's snapshot and the WAL's reset record).
 */
function entriesAfter(snap: Snapshot | null, entries: Entry[]): Entry[] {
  if (!snap) return entries;
  const at = entries.find((e) => e.index === snap.meta.index);
  if (at && at.term !== snap.meta.term) return [];
  const first = entries.length > 0 ? entries[0].index : 0;
  if (first > snap.meta.index + 1) return [];
  return entries.filter((e) => e.index > snap.meta.index);
}
