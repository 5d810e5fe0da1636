import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { FlotillaError } from '@flotilla/contracts';
import { StateMachine, type Batch, type ChangeEvent, type StateStore, type StateView } from '@flotilla/state';

interface Pending {
  json: string;
  resolve: (index: number) => void;
  reject: (e: unknown) => void;
}

/** Compact the log into a snapshot after this many entries. */
const SNAPSHOT_EVERY = 10_000;

/**
 * The single-manager store: a JSON-lines log on disk with group commit (one
 * fsync for every batch proposed in the same turn of the event loop) and a
 * snapshot for compaction. A proposal resolves only after its line is fsynced
 * and applied, so an acknowledged write survives a crash. The Raft-backed
 * store replaces this one when the cluster has more than one manager.
 */
export class LocalStore implements StateStore {
  private readonly log = new Logger(LocalStore.name);
  private fsm = new StateMachine();
  private fd = -1;
  private entriesSinceSnapshot = 0;
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly listeners = new Set<(e: ChangeEvent) => void>();

  constructor(private readonly dir: string) {}

  open(): void {
    mkdirSync(this.dir, { recursive: true });
    const snap = join(this.dir, 'snapshot.json');
    if (existsSync(snap)) this.fsm = StateMachine.restore(readFileSync(snap, 'utf8'));
    const logPath = join(this.dir, 'log.jsonl');
    let replayed = 0;
    if (existsSync(logPath)) {
      const text = readFileSync(logPath, 'utf8');
      let good = 0;
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (line === '') {
          good += 1;
          continue;
        }
        let rec: { i: number; b: Batch };
        try {
          rec = JSON.parse(line);
        } catch {
          // Only the last line may be torn by a crash mid-write; anything else is corruption.
          if (i === lines.length - 1) break;
          throw new FlotillaError('internal', `store log ${logPath} is corrupt at line ${i + 1}; refusing to start`);
        }
        good += Buffer.byteLength(line) + 1;
        if (rec.i <= this.fsm.index) continue;
        this.fsm.apply(rec.i, rec.b);
        replayed++;
      }
      this.fd = openSync(logPath, 'r+');
      ftruncateSync(this.fd, Math.min(good, Buffer.byteLength(text)));
      closeSync(this.fd);
    }
    this.fd = openSync(logPath, 'a');
    this.entriesSinceSnapshot = replayed;
    this.log.log({ msg: 'store opened', dir: this.dir, index: this.fsm.index, replayed });
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  propose(batch: Batch): Promise<number> {
    if (this.fd < 0) return Promise.reject(new FlotillaError('unavailable', 'store is closed'));
    const json = JSON.stringify(batch);
    return new Promise((resolve, reject) => {
      this.queue.push({ json, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  view(): StateView {
    return this.fsm;
  }

  watch(listener: (e: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isWritable(): boolean {
    return this.fd >= 0;
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    let index = this.fsm.index;
    const lines = group.map((p) => `{"i":${++index},"b":${p.json}}\n`).join('');
    try {
      writeSync(this.fd, lines);
      fsyncSync(this.fd);
    } catch (e) {
      const err = new FlotillaError('unavailable', `store write failed: ${(e as Error).message}`);
      for (const p of group) p.reject(err);
      return;
    }
    index = this.fsm.index;
    for (const p of group) {
      // Apply a fresh parse: the state never shares objects with callers.
      const out = this.fsm.apply(++index, JSON.parse(p.json) as Batch);
      if (!out.ok) {
        p.reject(out.error);
        continue;
      }
      if (out.event.changes.length > 0) this.emit(out.event);
      p.resolve(out.event.index);
    }
    this.entriesSinceSnapshot += group.length;
    if (this.entriesSinceSnapshot >= SNAPSHOT_EVERY) this.snapshot();
  }

  private emit(event: ChangeEvent) {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        this.log.error({ msg: 'store listener failed', err: (e as Error).message });
      }
    }
  }

  /** Writes the state atomically (tmp + fsync + rename), then starts an empty log. */
  private snapshot() {
    const tmp = join(this.dir, 'snapshot.json.tmp');
    const fd = openSync(tmp, 'w');
    writeSync(fd, this.fsm.serialize());
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(this.dir, 'snapshot.json'));
    closeSync(this.fd);
    this.fd = openSync(join(this.dir, 'log.jsonl'), 'w');
    fsyncSync(this.fd);
    this.entriesSinceSnapshot = 0;
  }
}
