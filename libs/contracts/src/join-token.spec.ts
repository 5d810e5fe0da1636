import { describe, expect, it } from 'vitest';
import { newJoinToken, parseJoinToken, tokensEqual } from './join-token';

describe('join tokens', () => {
  // The manager's fingerprint is its root CA's digest in base 36; any 50 such characters do here.
  const fp = '0123456789abcdefghijklmnopqrstuvwxyz0123456789abcd';

  it('look like Docker swarm tokens and parse back', () => {
    const t = newJoinToken(fp);
    expect(t).toMatch(/^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
    expect(parseJoinToken(t)).toEqual({ fingerprint: fp, secret: t.slice(-25) });
  });

  it('differ every time but share the cluster fingerprint', () => {
    const a = newJoinToken(fp);
    const b = newJoinToken(fp);
    expect(a).not.toBe(b);
    expect(parseJoinToken(a)!.fingerprint).toBe(parseJoinToken(b)!.fingerprint);
  });

  it.each(['', 'SWMTKN-1-abc-def', 'SWMTKN-2-' + 'a'.repeat(50) + '-' + 'b'.repeat(25), 'x'.repeat(85)])(
    'rejects malformed %j',
    (t) => expect(parseJoinToken(t)).toBeUndefined(),
  );

  it('compares exactly', () => {
    const t = newJoinToken(fp);
    expect(tokensEqual(t, t)).toBe(true);
    expect(tokensEqual(t, t.slice(0, -1) + (t.endsWith('a') ? 'b' : 'a'))).toBe(false);
    expect(tokensEqual(t, 'short')).toBe(false);
  });
});
