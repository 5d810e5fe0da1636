import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HeartbeatLoop } from './heartbeat-loop';

describe('HeartbeatLoop', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('beats twice per period and follows the period each answer gives', async () => {
    const answers = [{ heartbeatPeriodMs: 1000 }, { heartbeatPeriodMs: 20_000 }, undefined, { heartbeatPeriodMs: 20_000 }];
    const beats: number[] = [];
    const loop = new HeartbeatLoop(async () => {
      beats.push(Date.now());
      return answers.shift();
    }, 1000);
    const t0 = Date.now();
    loop.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(beats.length).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(beats.length).toBe(2);
    // The second answer stretched the period to 20 s: the beat already due goes at the old
    // cadence, those after it 10 s apart, and an empty answer keeps the period.
    expect(loop.period).toBe(20_000);
    await vi.advanceTimersByTimeAsync(500);
    expect(beats.length).toBe(3);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(beats.length).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(beats.map((b) => b - t0)).toEqual([500, 1000, 1500, 11_500]);
    loop.stop();
  });

  it('keeps its cadence while a beat goes unanswered', async () => {
    let sent = 0;
    const loop = new HeartbeatLoop(() => {
      sent++;
      return new Promise(() => undefined);
    }, 1000);
    loop.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toBe(4);
    loop.stop();
  });

  it('keeps beating after a failed beat, and ignores nonsense periods', async () => {
    let n = 0;
    const loop = new HeartbeatLoop(async () => {
      n++;
      if (n === 1) throw new Error('manager away');
      return { heartbeatPeriodMs: -5 };
    }, 1000);
    loop.start();
    await vi.advanceTimersByTimeAsync(1500);
    expect(n).toBe(3);
    expect(loop.period).toBe(1000);
    loop.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(n).toBe(3);
  });
  it('skips a beat due within half a period of an answered call, never two in a row', async () => {
    const beats: number[] = [];
    const loop = new HeartbeatLoop(
      async () => {
        beats.push(Date.now());
      },
      1000,
      () => Date.now(),
    );
    const t0 = Date.now();
    loop.start();
    // A fetch answered at 300: the beat due at 500 is skipped.
    await vi.advanceTimersByTimeAsync(300);
    loop.heard();
    await vi.advanceTimersByTimeAsync(200);
    expect(beats).toEqual([]);
    // Calls keep being answered, but the next beat goes: its answer carries the period and certificate news.
    await vi.advanceTimersByTimeAsync(400);
    loop.heard();
    await vi.advanceTimersByTimeAsync(100);
    expect(beats.map((b) => b - t0)).toEqual([1000]);
    // Heard at 1400, due at 1500: skipped again; at 2000 it goes.
    await vi.advanceTimersByTimeAsync(400);
    loop.heard();
    await vi.advanceTimersByTimeAsync(600);
    expect(beats.map((b) => b - t0)).toEqual([1000, 2000]);
    // Nothing heard for over half a period: every beat goes.
    await vi.advanceTimersByTimeAsync(1000);
    expect(beats.map((b) => b - t0)).toEqual([1000, 2000, 2500, 3000]);
    loop.stop();
  });
});
