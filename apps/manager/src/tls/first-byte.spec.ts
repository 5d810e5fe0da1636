import { describe, expect, it } from 'vitest';
import { routeFirstByte } from './first-byte';

describe('routeFirstByte', () => {
  it.each([
    [0x16, '10.1.0.2', false, 'tls'],
    [0x16, '127.0.0.1', false, 'tls'],
    [0x47 /* G */, '127.0.0.1', false, 'plain'],
    [0x50 /* P */, '::1', false, 'plain'],
    [0x47, '::ffff:127.0.0.1', false, 'plain'],
    [0x47, '10.1.0.2', false, 'refuse'],
    [0x47, undefined, false, 'refuse'],
    [0x47, '10.1.0.2', true, 'plain'],
    [0x15 /* a TLS alert, not a hello */, '10.1.0.2', false, 'refuse'],
  ] as const)('first byte %s from %s (api-remote %s) → %s', (b, addr, remote, want) => expect(routeFirstByte(b, addr, remote)).toBe(want));
});
