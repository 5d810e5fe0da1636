import { describe, expect, it } from 'vitest';
import { minCertExpiryMs, nodeCertExpiry } from './cert-expiry';

describe('nodeCertExpiry (swarm update --cert-expiry)', () => {
  it.each([
    [undefined, undefined],
    [0, undefined],
    [7_200_000_000_000, 7_200_000_000_000],
    [3_600_000_000_000, 3_600_000_000_000],
  ])('%s → %s', (ns, want) => expect(nodeCertExpiry(ns)).toBe(want));

  it('refuses less than an hour in dockerd’s words', () => {
    expect(() => nodeCertExpiry(1_800_000_000_000)).toThrow('rpc error: code = InvalidArgument desc = minimum certificate expiry time is: 1h0m0s');
  });
  it('refuses what is not a number of nanoseconds', () => {
    expect(() => nodeCertExpiry('2h')).toThrow(/whole number of nanoseconds/);
    expect(() => nodeCertExpiry(-5)).toThrow(/whole number of nanoseconds/);
  });
  it('takes a lower floor for tests', () => {
    expect(nodeCertExpiry(20e9, 10_000)).toBe(20e9);
    expect(() => nodeCertExpiry(5e9, 10_000)).toThrow('minimum certificate expiry time is: 10s');
    expect(minCertExpiryMs({ FLOTILLA_MIN_CERT_EXPIRY_MS: '10000' })).toBe(10_000);
    expect(minCertExpiryMs({})).toBe(3_600_000);
    expect(minCertExpiryMs({ FLOTILLA_MIN_CERT_EXPIRY_MS: 'x' })).toBe(3_600_000);
  });
});
