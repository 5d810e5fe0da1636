import type { Readable, Writable } from 'node:stream';

export interface SaveStream {
  answer: Readable;
  cancel: () => void;
}

interface Session {
  /** Everything read so far, for a node that joins late; null once past the limit (no one joins any more). */
  chunks: Buffer[] | null;
  bytes: number;
  readers: Set<Writable>;
  /** Readers whose buffer is full: the save waits for them. */
  full: Set<Writable>;
  started: Promise<SaveStream>;
}

/**
 * One `docker save` per image for the nodes that ask for it at about the
 * same time (a global or multi-replica service lands everywhere at once):
 * each chunk the engine writes goes to every node; a node that asks while the
 * save is under way first gets what was already read. The save runs at the
 * pace of the slowest node. Only the first `retainBytes` are kept for late
 * joiners; past that, a new request starts a save of its own.
 */
export class SharedSaves {
  private readonly live = new Map<string, Session>();

  constructor(
    private readonly retainBytes = 64 << 20,
    private readonly queueBytes = 4 << 20,
  ) {}

  /**
   * Opens (or joins) the save of image `key`; throws when the engine refuses
   * it. The answer attaches a node's stream, at once (the caller sends its
   * answer head first): it gets what was already read, then each new chunk.
   */
  async open(key: string, open: () => Promise<SaveStream>): Promise<(out: Writable) => void> {
    for (;;) {
      let s = this.live.get(key);
      if (!s || s.chunks === null) s = this.start(key, open);
      await s.started;
      // Past the limit while this one waited: too late to join, a save of its own.
      if (s.chunks === null) continue;
      const session = s;
      return (out: Writable) => {
        for (const c of session.chunks ?? []) out.write(c);
        session.readers.add(out);
        out.on('close', () => this.leave(key, session, out));
      };
    }
  }

  private start(key: string, open: () => Promise<SaveStream>): Session {
    const s: Session = { chunks: [], bytes: 0, readers: new Set(), full: new Set(), started: open() };
    this.live.set(key, s);
    s.started.then(
      ({ answer }) => {
        answer.on('data', (c: Buffer) => {
          s.bytes += c.length;
          if (s.chunks) s.chunks.push(c);
          if (s.chunks && s.bytes > this.retainBytes) this.forget(key, s);
          for (const r of s.readers) {
            r.write(c);
            // Paused only past a few MB queued for a node, not at each full 16 KB socket buffer:
            // a pause and resume per chunk is an event-loop turn per chunk on a busy manager.
            if (r.writableLength < this.queueBytes || s.full.has(r)) continue;
            s.full.add(r);
            answer.pause();
            r.once('drain', () => {
              s.full.delete(r);
              if (s.full.size === 0) answer.resume();
            });
          }
        });
        answer.on('end', () => {
          this.forget(key, s);
          for (const r of s.readers) r.end();
        });
        answer.on('error', () => {
          this.forget(key, s);
          for (const r of s.readers) r.destroy();
        });
      },
      () => this.forget(key, s),
    );
    return s;
  }

  /** A node that goes away no longer holds the others back; the last one stops the engine's save. */
  private leave(key: string, s: Session, out: Writable) {
    if (!s.readers.delete(out)) return;
    void s.started.then(({ answer, cancel }) => {
      if (s.full.delete(out) && s.full.size === 0) answer.resume();
      if (s.readers.size === 0 && !answer.readableEnded) {
        this.forget(key, s);
        cancel();
      }
    }, () => undefined);
  }

  private forget(key: string, s: Session) {
    s.chunks = null;
    if (this.live.get(key) === s) this.live.delete(key);
  }
}
