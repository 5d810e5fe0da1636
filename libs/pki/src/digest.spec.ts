import { describe, expect, it } from 'vitest';
import { createHash, X509Certificate } from 'node:crypto';
import { caDigest, createRootCA, renewalTime } from './index';

describe('caDigest', () => {
  it('is sha256 of the DER in base 36, 50 characters, stable', async () => {
    const ca = await createRootCA(Date.now());
    const d = caDigest(ca.certPem);
    expect(d).toMatch(/^[0-9a-z]{50}$/);
    expect(BigInt(`0x${createHash('sha256').update(new X509Certificate(ca.certPem).raw).digest('hex')}`).toString(36).padStart(50, '0')).toBe(d);
    expect(caDigest(ca.certPem)).toBe(d);
    expect(caDigest((await createRootCA(Date.now())).certPem)).not.toBe(d);
  });
});

describe('renewalTime', () => {
  it.each([
    [0, 500],
    [0.5, 650],
    [0.999999, 799],
    [-1, 500],
    [7, 799],
  ])('random %s → %s of a 1000 ms validity', (r, want) => expect(renewalTime(0, 1000, r)).toBe(want));
});
