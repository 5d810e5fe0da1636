import { describe, expect, it } from 'vitest';
import { WrongKeyError, newDataKey, unwrapDataKey, wrapDataKey } from './key-wrap';
import { RecordCipher } from './record-cipher';

const kek = Buffer.alloc(32, 7);
const otherKek = Buffer.alloc(32, 8);
const dek = Buffer.alloc(32, 1);

describe('key wrapping', () => {
  it('unwraps what it wrapped, and each wrap differs (fresh nonce)', () => {
    const a = wrapDataKey(dek, kek);
    const b = wrapDataKey(dek, kek);
    expect(a).not.toBe(b);
    expect(unwrapDataKey(a, kek)).toEqual(dek);
    expect(unwrapDataKey(b, kek)).toEqual(dek);
  });

  it('never holds the data key in the clear', () => {
    const w = wrapDataKey(dek, kek);
    expect(Buffer.from(w.slice(5), 'base64').includes(dek)).toBe(false);
  });

  const flip = (w: string, at: number): string => {
    const raw = Buffer.from(w.slice(5), 'base64');
    raw[at] ^= 1;
    return `dek1:${raw.toString('base64')}`;
  };
  it.each<[string, () => string, Buffer]>([
    ['another KEK', () => wrapDataKey(dek, kek), otherKek],
    ['a KEK of the wrong length', () => wrapDataKey(dek, kek), Buffer.alloc(16, 7)],
    ['a flipped nonce byte', () => flip(wrapDataKey(dek, kek), 0), kek],
    ['a flipped ciphertext byte', () => flip(wrapDataKey(dek, kek), 14), kek],
    ['a flipped tag byte', () => flip(wrapDataKey(dek, kek), 12 + 32 + 3), kek],
    ['an unknown format', () => 'plain:' + dek.toString('base64'), kek],
    ['an empty text', () => '', kek],
  ])('refuses %s with a typed error', (_name, wrapped, key) => {
    expect(() => unwrapDataKey(wrapped(), key)).toThrow(WrongKeyError);
  });

  it('makes 32-byte random data keys', () => {
    const a = newDataKey();
    expect(a).toHaveLength(32);
    expect(newDataKey().equals(a)).toBe(false);
  });
});

describe('RecordCipher', () => {
  const c = new RecordCipher(dek);
  it('round-trips with the same additional data and refuses other additional data', () => {
    const sealed = c.seal(Buffer.from('hello'), Buffer.from([1]));
    expect(c.open(sealed, Buffer.from([1]))?.toString()).toBe('hello');
    expect(c.open(sealed, Buffer.from([2]))).toBeNull();
    expect(c.open(sealed.subarray(0, 10), Buffer.from([1]))).toBeNull();
  });
  it('refuses a key that is not 32 bytes', () => {
    expect(() => new RecordCipher(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
