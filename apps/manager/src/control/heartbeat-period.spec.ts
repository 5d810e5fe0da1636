import { describe, expect, it } from 'vitest';
import { heartbeatPeriodFor } from './heartbeat-period';

describe('heartbeatPeriodFor', () => {
  it.each([
    // [nodes, configured period, beats/s at most, period]
    [1, 5000, 100, 5000],
    [250, 5000, 100, 5000],
    [1000, 5000, 100, 20_000],
    [5000, 5000, 100, 100_000],
    [1000, 30_000, 100, 30_000],
    [3, 1000, 1, 6000],
  ])('%s nodes, %s ms configured, %s beats/s: %s ms', (nodes, base, max, want) => {
    expect(heartbeatPeriodFor(nodes, base, max)).toBe(want);
  });

  it('never lets the leader take more beats a second than asked, at any size', () => {
    for (const nodes of [1, 10, 99, 1000, 4321, 100_000]) {
      const period = heartbeatPeriodFor(nodes, 5000, 100);
      // Two beats a period from each node.
      expect((2 * nodes) / (period / 1000)).toBeLessThanOrEqual(100);
    }
  });
});
