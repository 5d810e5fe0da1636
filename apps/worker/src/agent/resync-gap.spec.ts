import { describe, expect, it } from 'vitest';
import { resyncGap } from './resync-gap';

describe('resyncGap', () => {
  it('is the configured gap in a small cluster, the heartbeat period in a large one', () => {
    expect(resyncGap(10_000, 5_000)).toBe(10_000);
    expect(resyncGap(10_000, 100_000)).toBe(100_000);
  });
  it('ignores a period it was not given', () => {
    expect(resyncGap(10_000, undefined)).toBe(10_000);
    expect(resyncGap(10_000, Number.NaN)).toBe(10_000);
  });
});
