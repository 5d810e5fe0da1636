import { describe, expect, it } from 'vitest';
import { addressOf, broadcast, contains, formatCidr, formatIp, overlaps, parseCidr, parseIp } from './ipv4';

describe('ipv4', () => {
  it.each([
    ['10.0.0.1', 0x0a000001],
    ['255.255.255.255', 0xffffffff],
    ['0.0.0.0', 0],
  ])('parses and formats %s', (s, n) => {
    expect(parseIp(s)).toBe(n);
    expect(formatIp(n)).toBe(s);
  });

  it.each(['10.0.0', '10.0.0.256', 'a.b.c.d', '10.0.0.1.2', ''])('rejects %s', (s) => {
    expect(parseIp(s)).toBeUndefined();
  });

  it('parses CIDRs, clearing host bits', () => {
    expect(formatCidr(parseCidr('10.1.2.3/16')!)).toBe('10.1.0.0/16');
    expect(parseCidr('10.1.2.3/33')).toBeUndefined();
    expect(parseCidr('10.1.2.3')).toBeUndefined();
    expect(formatIp(broadcast(parseCidr('10.0.5.0/24')!))).toBe('10.0.5.255');
  });

  it('contains and overlaps', () => {
    const a = parseCidr('10.0.0.0/16')!;
    expect(contains(a, parseIp('10.0.255.255')!)).toBe(true);
    expect(contains(a, parseIp('10.1.0.0')!)).toBe(false);
    expect(overlaps(a, parseCidr('10.0.7.0/24')!)).toBe(true);
    expect(overlaps(a, parseCidr('10.1.0.0/24')!)).toBe(false);
    expect(addressOf('10.0.0.9/24')).toBe(parseIp('10.0.0.9'));
  });
});
