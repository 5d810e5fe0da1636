import { describe, expect, it } from 'vitest';
import { FETCH_RETRY_MAX_MS, fetchRetryDelay } from './fetch-retry';

describe('fetchRetryDelay', () => {
  it('doubles from a second, each wait in the upper half of its step', () => {
    expect([1, 2, 3, 4].map((n) => fetchRetryDelay(n, 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => fetchRetryDelay(n, 1))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('stops growing at thirty seconds', () => {
    expect(fetchRetryDelay(20, 1)).toBe(FETCH_RETRY_MAX_MS);
    expect(fetchRetryDelay(1000, 0.5)).toBeLessThanOrEqual(FETCH_RETRY_MAX_MS);
  });
});
