import { describe, expect, it } from 'vitest';
import type { Steps } from '@flotilla/scheduling';
import { TurnShares } from '@flotilla/raft-host';
import { TimeSlicer } from './time-slicer';

/** A turn big enough not to bound the slices here (how turns are shared out is TurnShares' spec). */
const roomy = new TurnShares(1000);

describe('TimeSlicer', () => {
  it('runs steps to their result, pausing for a turn each time a slice is used up', async () => {
    let t = 0;
    const pauses: number[] = [];
    const slicer = new TimeSlicer(10, () => t, async () => void pauses.push(t), roomy);
    // Ten steps of 4 ms each: a pause after every third (12 ms >= 10).
    function* work(): Steps<string> {
      for (let i = 0; i < 10; i++) {
        t += 4;
        yield;
      }
      return 'planned';
    }
    await expect(slicer.run(work())).resolves.toBe('planned');
    expect(pauses).toEqual([12, 24, 36]);
  });

  it('does not pause while the slice lasts', async () => {
    let pauses = 0;
    const slicer = new TimeSlicer(10, () => 0, async () => void pauses++, roomy);
    function* work(): Steps<number> {
      for (let i = 0; i < 100; i++) yield;
      return 7;
    }
    await expect(slicer.run(work())).resolves.toBe(7);
    expect(pauses).toBe(0);
  });
});

describe('TimeSlicer under pressure', () => {
  it('gives a plan still under way after a second longer slices', async () => {
    let t = 0;
    const pauses: number[] = [];
    const slicer = new TimeSlicer(
      4,
      () => t,
      async () => {
        pauses.push(t);
        t += 30; // the rest of the turn
      },
      roomy,
    );
    function* work(): Steps<void> {
      for (let i = 0; i < 2000; i++) {
        t += 1;
        yield;
      }
    }
    await slicer.run(work());
    const slices = pauses.map((p, i) => p - (i === 0 ? 0 : pauses[i - 1] + 30));
    // 4 ms slices at first; past 1 s of planning they grow (20 ms more per second).
    expect(slices[0]).toBe(4);
    expect(slices.at(-1)!).toBeGreaterThan(20);
  });
});

describe('TimeSlicer.checkpoint', () => {
  it('reads the clock every 1,024 items and says pause once the slice is used up', () => {
    let t = 0;
    let reads = 0;
    const slicer = new TimeSlicer(10, () => (reads++, t), async () => undefined, roomy);
    const before = reads;
    const answers: boolean[] = [];
    for (let i = 0; i < 2048; i++) {
      if (i === 1500) t = 50;
      answers.push(slicer.checkpoint());
    }
    expect(reads - before).toBe(2);
    expect(answers.indexOf(true)).toBe(2047);
    expect(answers.filter(Boolean)).toHaveLength(1);
  });
});
