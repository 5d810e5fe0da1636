import { describe, expect, it } from 'vitest';
import { humanSize, parseHumanSize, shippedImageOf, shippingMessage, shippingOf } from './image-ship';

describe('shipping progress in a preparing task message', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1536, '1.536kB'],
    [3_245_678, '3.246MB'],
    [10_100_000, '10.1MB'],
    [1_234_567_890, '1.235GB'],
  ])('humanSize(%i) = %s, as docker units.HumanSize', (n, s) => {
    expect(humanSize(n)).toBe(s);
    // Read back to its four digits.
    expect(Math.abs(parseHumanSize(s)! - n) / Math.max(1, n)).toBeLessThan(0.001);
  });

  it.each([
    [undefined, 'shipping image p_app:latest', { image: 'p_app:latest' }],
    [{ current: 3_200_000, total: 10_100_000 }, 'shipping image p_app:latest: 3.2MB/10.1MB', { image: 'p_app:latest', current: 3_200_000, total: 10_100_000 }],
    [{ current: 512 }, 'shipping image p_app:latest: 512B', { image: 'p_app:latest', current: 512 }],
    // The archive is a little longer than the size its engine reports: never shown past the total.
    [{ current: 10_300_000, total: 10_100_000 }, 'shipping image p_app:latest: 10.1MB/10.1MB', { image: 'p_app:latest', current: 10_100_000, total: 10_100_000 }],
  ])('%j -> %s and back', (p, message, parsed) => {
    expect(shippingMessage('p_app:latest', p)).toBe(message);
    expect(shippingOf(message)).toEqual(parsed);
    expect(shippedImageOf(message)).toBe('p_app:latest');
  });

  it('other preparing messages are not shipping', () => {
    expect(shippingOf('preparing')).toBeUndefined();
    expect(shippingOf('shipping image')).toBeUndefined();
    expect(shippingOf(undefined)).toBeUndefined();
  });
});
