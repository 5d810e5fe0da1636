import { describe, expect, it } from 'vitest';
import { pressureBudget } from './pressure-budget';

describe('pressureBudget', () => {
  it('stays at its base while work waits under a second, grows after, and is capped', () => {
    expect(pressureBudget(6, 0)).toBe(6);
    expect(pressureBudget(6, 1000)).toBe(6);
    expect(pressureBudget(6, 2000)).toBe(26);
    expect(pressureBudget(6, 60_000)).toBe(50);
    expect(pressureBudget(60, 0)).toBe(50);
  });
});
