import { fdatasync } from 'node:fs';
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, unlinkSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptionError, RaftError } from '../core/errors';
import type { Entry, HardState } from '../core/types';
import { EMPTY_HARD_STATE } from '../core/types';
import { RecordType, decodeRecord, encodeRecord } from './record';
import type { DecodeFailure, WalRecord } from './record';
import type { RecordCipher } from './record-cipher';

export interface WalOptions {
  /** Start a new segment once the current one is this large. */
  readonly segmentBytes: number;
  /** Turn fsync off only for tests and benchmarks that say so. */
  readonly fsync: boolean;
  /** Told how long each fdatasync of an append took (seconds): the host's latency figures. */
  readonly onSync?: (seconds: number) => void;
  /** The data key: records are written sealed, and sealed records read. Without it, plaintext. */
  readonly cipher?: RecordCipher;
}

export interface WalContents {
  readonly hard: HardState;
  /** Entries in log order after truncations and resets were replayed. */
  readonly entries: Entry[];
  /** The last LogReset seen, if any: entries before it were discarded. */
  readonly reset: { index: number; term: number } | null;
  /** Bytes dropped from the end of the last segment (a torn write), 0 when clean. */
  readonly tornBytes: number;
  /** Plaintext records read (a log written before encryption); they were rewritten sealed at open. */
  readonly plainRecords: number;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  maxIndex: number;
}

const NAME = /^(\d{16})\.wal$/;

/**
 * The write-ahead log: numbered segment files of CRC'd records, appended and
 * fsynced before the core's messages leave (a vote or an ack is a promise
 * about the disk). Recovery truncates a torn tail in the last segment and
 * refuses to start on damage anywhere else. Modelled on etcd's wal package.
 */
export class Wal {
  private fd = -1;
  private size = 0;
  private readonly segments: Segment[] = [];
  private hard: HardState = EMPTY_HARD_STATE;

  private constructor(
    private readonly dir: string,
    private readonly opts: WalOptions,
  ) {}

  static open(dir: string, opts: Partial<WalOptions> = {}): { wal: Wal; contents: WalContents } {
    const o: WalOptions = { segmentBytes: 64 * 1024 * 1024, fsync: true, ...opts };
    mkdirSync(dir, { recursive: true });
    const wal = new Wal(dir, o);
    const contents = wal.replay();
    wal.hard = contents.hard;
    if (wal.segments.length === 0) wal.rotate();
    else wal.openTail();
    if (o.cipher && contents.plainRecords > 0) wal.rewriteSealed(contents);
    return { wal, contents };
  }

  private replay(): WalContents {
    const names = readdirSync(this.dir)
      .filter((n) => NAME.test(n))
      .sort();
    let hard: HardState = EMPTY_HARD_STATE;
    let entries: Entry[] = [];
    let reset: { index: number; term: number } | null = null;
    let tornBytes = 0;
    let plainRecords = 0;
    for (let i = 0; i < names.length; i++) {
      const path = join(this.dir, names[i]);
      const buf = readFileSync(path);
      const seg: Segment = { seq: Number(NAME.exec(names[i])?.[1]), path, maxIndex: 0 };
      const last = i === names.length - 1;
      let at = 0;
      while (at < buf.length) {
        const r = decodeRecord(buf, at, this.opts.cipher);
        if ('fail' in r) {
          if (r.fail === 'auth' || r.fail === 'nokey') throw new CorruptionError(path, at, KEY_FAILURE[r.fail]);
          if (!last) throw new CorruptionError(path, at, `${r.fail} record in a sealed segment`);
          if (laterRecordExists(buf, at + 1)) throw new CorruptionError(path, at, `${r.fail} record followed by valid records`);
          tornBytes = buf.length - at;
          truncateFile(path, at);
          break;
        }
        at += r.size;
        if (!r.sealed) plainRecords++;
        const rec = r.record;
        if (rec.type === RecordType.HardState) hard = rec.hard;
        else if (rec.type === RecordType.LogReset) {
          reset = { index: rec.index, term: rec.term };
          entries = [];
        } else {
          const e = rec.entry;
          if (entries.length > 0) {
            const base = entries[0].index;
            if (e.index > entries[entries.length - 1].index + 1) throw new CorruptionError(path, at, `gap before entry ${e.index}`);
            if (e.index < base) entries = [];
            else entries.length = e.index - base;
          }
          entries.push(e);
          seg.maxIndex = Math.max(seg.maxIndex, e.index);
        }
      }
      this.segments.push(seg);
    }
    return { hard, entries, reset, tornBytes, plainRecords };
  }

  /**
   * Migration to an encrypted log: the replayed log is written again, sealed, into a
   * new segment, and only then are the older (plaintext) segments deleted. A crash
   * in between leaves both, and replaying the new segment over the old gives the
   * same log (it restates the reset, the hard state and every entry).
   */
  private rewriteSealed(c: WalContents): void {
    const old = this.segments.slice();
    this.rotate();
    const recs: WalRecord[] = [];
    if (c.reset) recs.push({ type: RecordType.LogReset, index: c.reset.index, term: c.reset.term });
    for (const entry of c.entries) recs.push({ type: RecordType.Entry, entry });
    if (recs.length > 0) this.writeRecords(recs, true);
    if (this.opts.fsync) fsyncSync(this.fd);
    for (const s of old) unlinkSync(s.path);
    this.segments.splice(0, old.length);
    syncDir(this.dir, this.opts.fsync);
  }

  private openTail(): void {
    const seg = this.segments[this.segments.length - 1];
    this.fd = openSync(seg.path, 'a');
    this.size = statSync(seg.path).size;
  }

  private rotate(): void {
    if (this.fd >= 0) {
      if (this.opts.fsync) fsyncSync(this.fd);
      closeSync(this.fd);
    }
    const seq = this.segments.length > 0 ? this.segments[this.segments.length - 1].seq + 1 : 1;
    const path = join(this.dir, `${String(seq).padStart(16, '0')}.wal`);
    this.fd = openSync(path, 'a');
    this.size = 0;
    this.segments.push({ seq, path, maxIndex: 0 });
    syncDir(this.dir, this.opts.fsync);
    // Each segment restates the hard state so older segments can be deleted.
    this.writeRecords([{ type: RecordType.HardState, hard: this.hard }], false);
  }

  /**
   * Appends one Ready's worth: hard state first (so a torn batch never leaves
   * entries of a term the node has not recorded), then entries; fsync when asked.
   */
  save(hard: HardState | null, entries: readonly Entry[], sync: boolean, reset?: { index: number; term: number }): void {
    if (this.append(hard, entries, reset) && sync) this.flush();
  }

  /**
   * Writes one Ready's records without syncing them (page cache only); true when
   * anything was written. The caller owes a `flush()` or `flushAsync()` before it
   * relies on them: nothing written here is durable until then.
   */
  append(hard: HardState | null, entries: readonly Entry[], reset?: { index: number; term: number }): boolean {
    if (this.fd < 0) throw new RaftError('closed', 'wal is closed');
    const recs: WalRecord[] = [];
    if (reset) recs.push({ type: RecordType.LogReset, index: reset.index, term: reset.term });
    if (hard) {
      recs.push({ type: RecordType.HardState, hard });
      this.hard = hard;
    }
    for (const entry of entries) recs.push({ type: RecordType.Entry, entry });
    if (recs.length === 0) return false;
    this.writeRecords(recs, false);
    // rotate() fsyncs the segment it closes, so what was written there is durable already.
    if (this.size >= this.opts.segmentBytes) this.rotate();
    return true;
  }

  /** Whether a write needs a sync at all (false with fsync off). */
  get syncs(): boolean {
    return this.opts.fsync;
  }

  /** fdatasync of everything appended so far, on the event loop. */
  flush(): void {
    if (!this.opts.fsync || this.fd < 0) return;
    const t0 = performance.now();
    fdatasyncSync(this.fd);
    this.opts.onSync?.((performance.now() - t0) / 1000);
  }

  /**
   * fdatasync of everything appended so far, in libuv's threadpool so the event
   * loop keeps serving while the disk works. The caller appends nothing and
   * closes nothing until it settles; a failed sync rejects (the data's fate is
   * unknown: the caller must not go on as if it were durable).
   */
  flushAsync(): Promise<void> {
    if (!this.opts.fsync || this.fd < 0) return Promise.resolve();
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      fdatasync(this.fd, (err) => {
        if (err) return reject(err);
        this.opts.onSync?.((performance.now() - t0) / 1000);
        resolve();
      });
    });
  }

  private writeRecords(recs: readonly WalRecord[], sync: boolean): void {
    const bufs = recs.map((r) => encodeRecord(r, this.opts.cipher));
    const all = bufs.length === 1 ? bufs[0] : Buffer.concat(bufs);
    let off = 0;
    while (off < all.length) off += writeSync(this.fd, all, off, all.length - off);
    this.size += all.length;
    const seg = this.segments[this.segments.length - 1];
    for (const r of recs) if (r.type === RecordType.Entry) seg.maxIndex = Math.max(seg.maxIndex, r.entry.index);
    if (sync) this.flush();
  }

  /** After a snapshot at `index` is on disk: delete sealed segments holding only entries <= index. */
  releaseTo(index: number): number {
    let removed = 0;
    while (this.segments.length > 1 && this.segments[0].maxIndex <= index) {
      // A segment with maxIndex 0 holds no entries, only state that later segments restate.
      unlinkSync(this.segments[0].path);
      this.segments.shift();
      removed++;
    }
    if (removed > 0) syncDir(this.dir, this.opts.fsync);
    return removed;
  }

  segmentCount(): number {
    return this.segments.length;
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

const KEY_FAILURE: Record<Extract<DecodeFailure, 'auth' | 'nokey'>, string> = {
  auth: 'encrypted record fails authentication (altered, or sealed with another data key)',
  nokey: 'encrypted record and no data key to read it',
};

function laterRecordExists(buf: Buffer, from: number): boolean {
  // A torn write leaves garbage only at the very end; a valid record after a
  // bad one means the damage is in the middle of the log.
  for (let at = from; at + 9 <= buf.length; at++) {
    const r = decodeRecord(buf, at);
    // Read without the key: a sealed record passing its CRC says 'nokey'.
    if ('fail' in r ? r.fail === 'nokey' : r.size >= 9) return true;
  }
  return false;
}

function truncateFile(path: string, len: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, len);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function syncDir(dir: string, doSync: boolean): void {
  if (!doSync) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
