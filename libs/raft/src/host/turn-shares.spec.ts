import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TurnShares } from './turn-shares';

describe('TurnShares', () => {
  it('gives a kind alone its share, up to the whole turn', () => {
    const s = new TurnShares(20);
    expect(s.slice('apply', 12, 0)).toBe(12);
    expect(s.slice('apply', 50, 1)).toBe(20);
  });

  it('splits the turn in proportion to the shares of the kinds with work waiting', () => {
    const s = new TurnShares(20);
    s.slice('apply', 30, 0);
    s.slice('calls', 10, 0);
    expect(s.slice('apply', 30, 1)).toBe(15);
    expect(s.slice('calls', 10, 1)).toBe(5);
  });

  it('forgets a kind that stopped asking: the others have the turn again', () => {
    const s = new TurnShares(20);
    s.slice('plan', 40, 0);
    expect(s.slice('apply', 40, 10)).toBe(10);
    expect(s.slice('apply', 40, 400)).toBe(20);
  });

  it('never hands out more than the turn, whatever the shares asked at once', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('apply', 'calls', 'plan'), fc.double({ min: 0.1, max: 50, noNaN: true })), { minLength: 1, maxLength: 30 }), (asks) => {
        const s = new TurnShares(20);
        const shares = new Map<string, number>();
        for (const [kind, share] of asks) {
          s.slice(kind, share, 0);
          shares.set(kind, share);
        }
        // Asked again now, what the kinds with work are given adds up to a turn at most (rounding aside).
        const given = [...shares].map(([kind, share]) => s.slice(kind, share, 1));
        expect(given.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20 * (1 + 1e-9));
        for (const v of given) expect(v).toBeGreaterThan(0);
      }),
    );
  });
});

describe('TurnShares under overload', () => {
  it('keeps the turn while work waits under two seconds, grows it after, up to 50 ms', () => {
    const s = new TurnShares(8);
    expect(s.slice('calls', 40, 0, 1900)).toBe(8);
    expect(s.slice('calls', 40, 1, 3000)).toBe(28);
    expect(s.slice('calls', 60, 2, 60_000)).toBe(50);
  });

  it('grows it for every kind when one kind waits', () => {
    const s = new TurnShares(8);
    s.slice('calls', 20, 0, 4000);
    // 48 ms of turn, shared 20:20.
    expect(s.slice('plan', 20, 1)).toBe(20);
  });
});
