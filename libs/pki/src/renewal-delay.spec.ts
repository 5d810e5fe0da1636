import { describe, expect, it } from 'vitest';
import { MAX_WAIT_MS, renewalDelay } from './renewal-delay';

const H = 3_600_000;

describe('renewalDelay', () => {
  it('counts the 50–80 % window from when the node got the certificate, not from its back-dated start', () => {
    // A 20 s certificate back-dated an hour: due in 10–16 s, not at once.
    const since = 1_000_000;
    const o = { notBefore: since - H, notAfter: since + 20_000, since, now: since };
    expect(renewalDelay({ ...o, random: 0 })).toBe(10_000);
    expect(renewalDelay({ ...o, random: 0.999999 })).toBe(15_999);
  });
  it('is due at once past the window, and never negative', () => {
    expect(renewalDelay({ notBefore: 0, notAfter: 100, since: 0, now: 500, random: 0.5 })).toBe(0);
  });
  it('waits at most a day (setTimeout cannot wait 45 days)', () => {
    expect(renewalDelay({ notBefore: 0, notAfter: 90 * 24 * H, since: 0, now: 0, random: 0.5 })).toBe(MAX_WAIT_MS);
  });
  it('a node restarted late in the window renews within what remains', () => {
    const d = renewalDelay({ notBefore: 0, notAfter: 10 * H, since: 9 * H, now: 9 * H, random: 0 });
    expect(d).toBe(H / 2);
  });
});
