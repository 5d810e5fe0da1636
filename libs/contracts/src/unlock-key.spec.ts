import { describe, expect, it } from 'vitest';
import { newUnlockKey, parseUnlockKey } from './unlock-key';

describe('unlock keys', () => {
  it('look like Docker\'s and parse back to 32 bytes', () => {
    const k = newUnlockKey();
    expect(k).toMatch(/^SWMKEY-1-[A-Za-z0-9+/]{43}$/);
    expect(parseUnlockKey(k)).toHaveLength(32);
    expect(parseUnlockKey(` ${k}\n`)).toEqual(parseUnlockKey(k));
    expect(newUnlockKey()).not.toBe(k);
  });

  it.each([
    ['a key Docker printed', 'SWMKEY-1-ZB9KVDoRlfUWSzo4cbB2sLfJuZ7iSTMa9p9LjMGxFcc', true],
    ['a key with / in it', 'SWMKEY-1-0nC2NhF7g/uaYiDCwTXnJ3RAQ7G3CqGzMdpwSMnjav0', true],
    ['garbage', 'garbage', false],
    ['empty', '', false],
    ['a short key', 'SWMKEY-1-ZB9KVDoRlfUWSzo4cbB2sLfJuZ7iSTMa9p9LjMGxFc', false],
    ['another version', 'SWMKEY-2-ZB9KVDoRlfUWSzo4cbB2sLfJuZ7iSTMa9p9LjMGxFcc', false],
    ['a join token', 'SWMTKN-1-0qrnume46bf6t9ylshp870shy8me8c5x4g5nhj1xj23znhp6w9-27xomfj38jaoy10nx5hd5tbkk', false],
  ])('%s: parses = %s', (_n, text, ok) => {
    expect(parseUnlockKey(text) !== undefined).toBe(ok);
  });
});
