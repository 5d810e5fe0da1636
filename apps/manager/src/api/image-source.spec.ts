import { describe, expect, it } from 'vitest';
import { findImage } from './image-source';

/** A source that answers an inspect with `id` after `ms` (or fails), and counts how often it was asked. */
function source(label: string, id: string | undefined | Error, ms = 0) {
  const s = {
    label,
    asked: 0,
    inspect: async () => {
      s.asked++;
      await new Promise((r) => setTimeout(r, ms));
      if (id instanceof Error) throw id;
      return id === undefined ? undefined : { id, size: 7 };
    },
  };
  return s;
}

describe('findImage: the first source, in order, whose engine has the image', () => {
  it('takes this manager\'s engine when it has the image, and asks no other node', async () => {
    const [own, a] = [source('own', 'sha256:1'), source('a', 'sha256:2')];
    expect(await findImage([own, a], 'x')).toEqual({ source: own, id: 'sha256:1', size: 7 });
    expect(a.asked).toBe(0);
  });

  it('else the first node in order that has it, even when a later one answers sooner', async () => {
    const own = source('own', undefined);
    const [a, b, c] = [source('a', undefined, 5), source('b', 'sha256:b', 30), source('c', 'sha256:c', 0)];
    expect(await findImage([own, a, b, c], 'x')).toEqual({ source: b, id: 'sha256:b', size: 7 });
  });

  it('a node that cannot be reached holds nothing', async () => {
    const [own, a, b] = [source('own', new Error('engine down')), source('a', new Error('relay timed out')), source('b', 'sha256:b')];
    expect(await findImage([own, a, b], 'x')).toEqual({ source: b, id: 'sha256:b', size: 7 });
  });

  it('with an ID wanted (a rebuilt compose image), an engine whose name points at another build holds nothing', async () => {
    const [own, a, b] = [source('own', 'sha256:old'), source('a', 'sha256:older'), source('b', 'sha256:new')];
    expect(await findImage([own, a, b], 'x', 'sha256:new')).toEqual({ source: b, id: 'sha256:new', size: 7 });
    expect(await findImage([own, a], 'x', 'sha256:new')).toBeUndefined();
  });

  it('none when no engine has it', async () => {
    expect(await findImage([source('own', undefined), source('a', undefined)], 'x')).toBeUndefined();
    expect(await findImage([], 'x')).toBeUndefined();
  });
});
