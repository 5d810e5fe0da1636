import { Logger } from '@nestjs/common';
import { pipeline, Transform, type Readable } from 'node:stream';
import { FlotillaError, loadedImageMismatch, type ShipProgress } from '@flotilla/contracts';

/** An image archive as a manager streams it (`docker save`), with the image ID it announced. */
export interface ImageArchive {
  id: string | undefined;
  /** The image's size as the manager's engine reports it, when it said. */
  size?: number;
  body: Readable;
}

/**
 * Progress at most this often: each report is a task status change through Raft, and
 * docker's own pull progress redraws about as often.
 */
export const PROGRESS_EVERY_MS = 500;

export type ProgressListener = (p: ShipProgress) => void;

/** The engine side of shipping: load an archive, read what a name points at now. */
export interface ImageEngine {
  loadImage(archive: Readable): Promise<void>;
  imageId(name: string): Promise<string | undefined>;
  /** Drops the name (the tag, not a layer another image uses). */
  untag(name: string): Promise<void>;
}

/**
 * Brings an image the node's engine lacks from a manager (workers accept no
 * connection, so the node asks and the manager streams). Concurrent tasks
 * needing one image share one transfer; the image is kept only under the ID
 * the manager announced, else the caller's task fails with the reason.
 */
export class ImageShipper {
  private readonly log = new Logger(ImageShipper.name);
  private readonly inFlight = new Map<string, { done: Promise<void>; listeners: Set<ProgressListener> }>();

  constructor(
    private readonly engine: ImageEngine,
    private readonly fetchArchive: (image: string, want?: string) => Promise<ImageArchive>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Brings `image` (the build `want` names, when given); `onProgress` hears the bytes received as they
   * come (throttled), whoever started the transfer.
   */
  ensure(image: string, onProgress?: ProgressListener, want?: string): Promise<void> {
    const key = want ? `${image}@${want}` : image;
    let f = this.inFlight.get(key);
    if (!f) {
      const listeners = new Set<ProgressListener>();
      f = { done: this.ship(image, listeners, want).finally(() => this.inFlight.delete(key)), listeners };
      this.inFlight.set(key, f);
    }
    if (onProgress) f.listeners.add(onProgress);
    return f.done;
  }

  private async ship(image: string, listeners: Set<ProgressListener>, want?: string): Promise<void> {
    const started = this.now();
    const t0 = Date.now();
    const archive = await this.fetchArchive(image, want);
    if (want && archive.id !== want) {
      archive.body.destroy();
      throw new FlotillaError('internal', `image ${image}: the manager offered ${archive.id ?? 'no ID'}, the task wants ${want}`);
    }
    // Phase times on the wall clock (`now` paces the progress reports only).
    const answered = Date.now();
    let received = answered;
    archive.body.once('end', () => (received = Date.now()));
    let current = 0;
    let last = started;
    // Counted on the way to the engine (a listener of its own would set the body flowing before the engine reads it).
    const counted = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        current += chunk.length;
        const now = this.now();
        if (now - last >= PROGRESS_EVERY_MS) {
          last = now;
          for (const l of listeners) l({ current, ...(archive.size ? { total: archive.size } : {}) });
        }
        done(null, chunk);
      },
    });
    // A broken transfer ends `counted` with its error, which the engine's load then reports.
    pipeline(archive.body, counted, () => undefined);
    try {
      await this.engine.loadImage(counted);
    } catch (e) {
      archive.body.destroy();
      throw new FlotillaError('internal', `image ${image}: loading the manager's archive failed: ${(e as Error).message}`);
    }
    const streamed = Date.now();
    const loaded = await this.engine.imageId(image);
    const mismatch = loadedImageMismatch(image, archive.id, loaded);
    if (mismatch) {
      // Left tagged, the wrong image would pass for the right one at the next task's presence check.
      if (loaded !== undefined) await this.engine.untag(image).catch((e: Error) => this.log.warn({ msg: 'cannot untag a mismatched image', image, err: e.message }));
      throw new FlotillaError('internal', mismatch);
    }
    // The phases, for bench/image-ship: the manager's answer head, the archive streamed into the engine's load, the ID check.
    // loadMs = receiveMs (the last byte read) + what the engine did after it.
    const phases = { headMs: answered - t0, loadMs: streamed - answered, receiveMs: received - answered, verifyMs: Date.now() - streamed };
    this.log.log({ msg: 'image shipped from manager', image, id: loaded, bytes: current, startedAt: t0, ...phases, ms: Date.now() - t0 });
  }
}
