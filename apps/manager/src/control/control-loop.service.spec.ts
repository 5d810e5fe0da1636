import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StateStore } from '@flotilla/state';
import { ControlLoopService } from './control-loop.service';

/**
 * When the control loop runs a pass, over a writable store stub and a pass that only counts (what is
 * under test is the loop's pacing, not planning).
 */
function harness() {
  const store = { isWritable: () => true } as unknown as StateStore;
  const loop = new ControlLoopService(store, { now: () => Date.now() } as never);
  let passes = 0;
  Object.assign(loop, {
    pass: async () => {
      passes++;
      return false;
    },
  });
  return { loop, passes: () => passes };
}

describe('ControlLoopService: when passes run', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('others\' writes wait out the pause after a pass; a user\'s change during that pause starts the pass at once', async () => {
    const h = harness();
    h.loop.kick(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.passes()).toBe(1);
    // A task report: the pass for it waits for more to gather.
    h.loop.kick();
    await vi.advanceTimersByTimeAsync(50);
    expect(h.passes()).toBe(1);
    // A service scaled meanwhile: planned now, not when the pause ends.
    h.loop.kick(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.passes()).toBe(2);
    // And the pause's own timer no longer runs a pass of its own.
    await vi.advanceTimersByTimeAsync(300);
    expect(h.passes()).toBe(2);
    h.loop.onModuleDestroy();
  });

  it('report after report during the pause still gives one pass', async () => {
    const h = harness();
    h.loop.kick(true);
    await vi.advanceTimersByTimeAsync(1);
    for (let i = 0; i < 5; i++) h.loop.kick();
    await vi.advanceTimersByTimeAsync(300);
    expect(h.passes()).toBe(2);
    h.loop.onModuleDestroy();
  });
});
