import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import type { ShipProgress } from '@flotilla/contracts';
import { ImageShipper, PROGRESS_EVERY_MS, type ImageArchive, type ImageEngine } from './image-shipper';

const ID_A = `sha256:${'a'.repeat(64)}`;
const ID_B = `sha256:${'b'.repeat(64)}`;

/** An engine that "loads" an archive by tagging the ID written in it. */
class FakeEngine implements ImageEngine {
  readonly tags = new Map<string, string>();
  loads = 0;
  constructor(private readonly name: string) {}
  async loadImage(archive: Readable) {
    this.loads++;
    const chunks: Buffer[] = [];
    for await (const c of archive) chunks.push(c as Buffer);
    const id = Buffer.concat(chunks).toString();
    if (id === 'broken') throw new Error('unexpected EOF');
    this.tags.set(this.name, id);
  }
  async imageId(name: string) {
    return this.tags.get(name);
  }
  async untag(name: string) {
    this.tags.delete(name);
  }
}

const archive = (announced: string | undefined, content: string): ImageArchive => ({ id: announced, body: Readable.from([Buffer.from(content)]) });

describe('ImageShipper', () => {
  it('loads the archive and keeps it when the ID is the announced one', async () => {
    const engine = new FakeEngine('app:1');
    await new ImageShipper(engine, async () => archive(ID_A, ID_A)).ensure('app:1');
    expect(engine.tags.get('app:1')).toBe(ID_A);
  });

  it('asks for the build a task wants (a rebuilt compose image), and loads nothing when offered another', async () => {
    const engine = new FakeEngine('app:1');
    const asked: (string | undefined)[] = [];
    const shipper = new ImageShipper(engine, async (_image, want) => (asked.push(want), want === ID_B ? archive(ID_B, ID_B) : archive(ID_A, ID_A)));
    await shipper.ensure('app:1', undefined, ID_B);
    expect(engine.tags.get('app:1')).toBe(ID_B);
    const other = new ImageShipper(engine, async () => archive(ID_A, ID_A));
    await expect(other.ensure('app:1', undefined, ID_B)).rejects.toThrow(`the manager offered ${ID_A}, the task wants ${ID_B}`);
    expect(engine.loads).toBe(1);
    expect(asked).toEqual([ID_B]);
  });

  it('fails, and untags the image, when the loaded ID is not the announced one', async () => {
    const engine = new FakeEngine('app:1');
    const shipper = new ImageShipper(engine, async () => archive(ID_A, ID_B));
    await expect(shipper.ensure('app:1')).rejects.toThrow(`image app:1: loaded image ID ${ID_B} does not match ${ID_A} announced by the manager`);
    expect(engine.tags.has('app:1')).toBe(false);
  });

  it('fails with the engine error when the archive does not load', async () => {
    const engine = new FakeEngine('app:1');
    await expect(new ImageShipper(engine, async () => archive(ID_A, 'broken')).ensure('app:1')).rejects.toThrow("image app:1: loading the manager's archive failed: unexpected EOF");
  });

  it('passes on the manager refusal', async () => {
    const engine = new FakeEngine('app:1');
    const shipper = new ImageShipper(engine, async () => {
      throw new Error('No such image: app:1');
    });
    await expect(shipper.ensure('app:1')).rejects.toThrow('No such image: app:1');
    expect(engine.loads).toBe(0);
  });

  it('concurrent tasks needing one image share one transfer; a later need fetches again', async () => {
    const engine = new FakeEngine('app:1');
    let fetches = 0;
    const shipper = new ImageShipper(engine, async () => {
      fetches++;
      return archive(ID_A, ID_A);
    });
    await Promise.all([shipper.ensure('app:1'), shipper.ensure('app:1'), shipper.ensure('app:1')]);
    expect([fetches, engine.loads]).toEqual([1, 1]);
    await shipper.ensure('app:1');
    expect(fetches).toBe(2);
  });
});

describe('ImageShipper: progress', () => {
  /** An archive of `chunks` pieces of 1,000 bytes (the last one: the ID); the clock moves 200 ms each time it is read (once per piece). */
  function slowArchive(chunks: number, size?: number) {
    let t = 0;
    const pieces = [...Array.from({ length: chunks - 1 }, () => Buffer.alloc(1000)), Buffer.from(ID_A)];
    return { archive: { id: ID_A, size, body: Readable.from(pieces) } as ImageArchive, clock: () => (t += 200) };
  }

  /** Reads the ID from the archive's last bytes. */
  class TailEngine extends FakeEngine {
    override async loadImage(archive: Readable) {
      this.loads++;
      const all: Buffer[] = [];
      for await (const c of archive) all.push(c as Buffer);
      this.tags.set('app:1', Buffer.concat(all).toString().slice(-ID_A.length));
    }
  }

  it('tells every waiting task the bytes received, at most every PROGRESS_EVERY_MS, with the announced total', async () => {
    const { archive: a, clock } = slowArchive(11, 10_100);
    const shipper = new ImageShipper(new TailEngine('app:1'), async () => a, clock);
    const first: ShipProgress[] = [];
    const second: ShipProgress[] = [];
    await Promise.all([shipper.ensure('app:1', (p) => first.push(p)), shipper.ensure('app:1', (p) => second.push(p))]);
    // 200 ms per piece, so one report every third piece (600 ms >= 500 ms); the last pieces are not worth one.
    expect(first).toEqual([
      { current: 3000, total: 10_100 },
      { current: 6000, total: 10_100 },
      { current: 9000, total: 10_100 },
    ]);
    expect(second).toEqual(first);
    expect(PROGRESS_EVERY_MS).toBe(500);
  });

  it('without a size from the manager: bytes only', async () => {
    const { archive: a, clock } = slowArchive(4);
    const got: ShipProgress[] = [];
    await new ImageShipper(new TailEngine('app:1'), async () => a, clock).ensure('app:1', (p) => got.push(p));
    expect(got).toEqual([{ current: 3000 }]);
  });
});
