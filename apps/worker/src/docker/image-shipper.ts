import { Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { FlotillaError, loadedImageMismatch } from '@flotilla/contracts';

/** An image archive as a manager streams it (`docker save`), with the image ID it announced. */
export interface ImageArchive {
  id: string | undefined;
  body: Readable;
}

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
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly engine: ImageEngine,
    private readonly fetchArchive: (image: string) => Promise<ImageArchive>,
  ) {}

  ensure(image: string): Promise<void> {
    let p = this.inFlight.get(image);
    if (!p) {
      p = this.ship(image).finally(() => this.inFlight.delete(image));
      this.inFlight.set(image, p);
    }
    return p;
  }

  private async ship(image: string): Promise<void> {
    const started = Date.now();
    const archive = await this.fetchArchive(image);
    const answered = Date.now();
    let received = answered;
    archive.body.once('end', () => (received = Date.now()));
    try {
      await this.engine.loadImage(archive.body);
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
    const phases = { headMs: answered - started, loadMs: streamed - answered, receiveMs: received - answered, verifyMs: Date.now() - streamed };
    this.log.log({ msg: 'image shipped from manager', image, id: loaded, startedAt: started, ...phases, ms: Date.now() - started });
  }
}
