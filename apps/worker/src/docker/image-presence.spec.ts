import { describe, expect, it } from 'vitest';
import { ImagePresence } from './image-presence';

function engine(answers: Record<string, boolean>) {
  const asked: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const exists = async (image: string) => {
    asked.push(image);
    await gate;
    return answers[image] ?? false;
  };
  return { asked, exists, release };
}

describe('ImagePresence', () => {
  it('asks the engine once for fifty tasks of one image started together', async () => {
    const e = engine({ img: true });
    const p = new ImagePresence(e.exists, () => 0);
    const all = Array.from({ length: 50 }, () => p.has('img'));
    e.release();
    expect(await Promise.all(all)).toEqual(Array(50).fill(true));
    expect(await p.has('img')).toBe(true);
    expect(e.asked).toEqual(['img']);
  });

  it('asks once per image, not once per task', async () => {
    const e = engine({ a: true, b: true });
    const p = new ImagePresence(e.exists, () => 0);
    const all = [p.has('a'), p.has('b'), p.has('a'), p.has('b')];
    e.release();
    await Promise.all(all);
    expect(e.asked.sort()).toEqual(['a', 'b']);
  });

  it('never caches a miss: the next task asks again (the image may have been shipped meanwhile)', async () => {
    const answers: Record<string, boolean> = { img: false };
    const e = engine(answers);
    const p = new ImagePresence(e.exists, () => 0);
    e.release();
    expect(await p.has('img')).toBe(false);
    answers.img = true;
    expect(await p.has('img')).toBe(true);
    expect(e.asked).toEqual(['img', 'img']);
  });

  it('asks again once the answer is older than the ttl, or after forget', async () => {
    let now = 0;
    const e = engine({ img: true });
    const p = new ImagePresence(e.exists, () => now, 1000);
    e.release();
    await p.has('img');
    now = 999;
    await p.has('img');
    expect(e.asked).toHaveLength(1);
    now = 1000;
    await p.has('img');
    expect(e.asked).toHaveLength(2);
    p.forget('img');
    await p.has('img');
    expect(e.asked).toHaveLength(3);
  });

  it('an engine error reaches every waiter and is not remembered', async () => {
    let fail = true;
    const p = new ImagePresence(async () => {
      if (fail) throw new Error('engine down');
      return true;
    });
    await expect(Promise.all([p.has('img'), p.has('img')])).rejects.toThrow('engine down');
    fail = false;
    expect(await p.has('img')).toBe(true);
  });
});
