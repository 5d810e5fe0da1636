import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore';

const tick = () => new Promise((r) => setImmediate(r));

describe('Semaphore', () => {
  it('never runs more than its limit at once', async () => {
    const sem = new Semaphore(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        sem.run(async () => {
          peak = Math.max(peak, ++active);
          await tick();
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it('gives a freed slot to an urgent waiter before earlier ordinary ones', async () => {
    const sem = new Semaphore(1);
    const order: string[] = [];
    let release!: () => void;
    const first = sem.run(() => new Promise<void>((r) => (release = r)));
    const runs = [
      sem.run(async () => void order.push('remove 1')),
      sem.run(async () => void order.push('remove 2')),
      sem.run(async () => void order.push('stop'), { urgent: true }),
    ];
    release();
    await Promise.all([first, ...runs]);
    expect(order).toEqual(['stop', 'remove 1', 'remove 2']);
  });
});
