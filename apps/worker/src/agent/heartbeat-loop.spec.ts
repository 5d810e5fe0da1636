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
});
