import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { ImageShipper, type ImageArchive, type ImageEngine } from './image-shipper';

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
