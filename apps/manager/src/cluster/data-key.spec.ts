import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newUnlockKey } from '@flotilla/contracts';
import { RecordCipher, WrongKeyError, unwrapDataKey } from '@flotilla/raft';
import { DATA_KEY_FILE, DataKey } from './data-key';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'data-key-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sample = Buffer.from('record');
const roundTrips = (a: DataKey, b: DataKey) => b.cipher.open(a.cipher.seal(sample, Buffer.from([1])), Buffer.from([1]))?.equals(sample);

function ready(dir: string): DataKey {
  const o = DataKey.open(dir);
  if (!('key' in o)) throw new Error('locked');
  return o.key;
}

describe('DataKey', () => {
  it('creates a key on a new dir and opens it again without a key (autolock off)', () => {
    const dir = tmp();
    const a = ready(dir);
    expect(a.unlockKey).toBeNull();
    expect(roundTrips(a, ready(dir))).toBe(true);
  });

  it('with autolock, opens only with the unlock key, which the file never holds', () => {
    const dir = tmp();
    const a = ready(dir);
    const unlock = newUnlockKey();
    a.rewrap(unlock);
    expect(readFileSync(join(dir, DATA_KEY_FILE), 'utf8')).not.toContain(unlock.slice(9));
    const o = DataKey.open(dir);
    expect('locked' in o).toBe(true);
    if (!('locked' in o)) return;
    expect(() => o.unlock(newUnlockKey())).toThrow(WrongKeyError);
    const b = o.unlock(unlock);
    expect(b.unlockKey).toBe(unlock);
    expect(roundTrips(a, b)).toBe(true);
  });

  it('autolock off again: a local KEK, no unlock needed, same data key', () => {
    const dir = tmp();
    const a = ready(dir);
    a.rewrap(newUnlockKey());
    a.rewrap(null);
    expect(roundTrips(a, ready(dir))).toBe(true);
  });

  it('rotation: the old unlock key stops working', () => {
    const dir = tmp();
    const a = ready(dir);
    const first = newUnlockKey();
    const second = newUnlockKey();
    a.rewrap(first);
    a.rewrap(second);
    const o = DataKey.open(dir);
    if (!('locked' in o)) throw new Error('not locked');
    expect(() => o.unlock(first)).toThrow(WrongKeyError);
    expect(roundTrips(a, o.unlock(second))).toBe(true);
  });

  describe('autolock on replaces the data key', () => {
    const aad = Buffer.from([1]);
    /** The DEK as the key file held it with autolock off: anyone who copied the data dir then has it. */
    const stolenDek = (dir: string) => {
      const f = JSON.parse(readFileSync(join(dir, DATA_KEY_FILE), 'utf8')) as { dek: string; kek: string };
      return new RecordCipher(unwrapDataKey(f.dek, Buffer.from(f.kek, 'base64')));
    };

    it('new records are sealed with a fresh key the old one cannot open; old records still open', () => {
      const dir = tmp();
      const a = ready(dir);
      const before = a.cipher.seal(sample, aad);
      const stolen = stolenDek(dir);
      const unlock = newUnlockKey();
      a.replace(unlock);
      const after = a.cipher.seal(sample, aad);
      expect(stolen.open(before, aad)?.equals(sample)).toBe(true);
      expect(stolen.open(after, aad)).toBeNull();
      expect(a.cipher.open(before, aad)?.equals(sample)).toBe(true);
      expect(a.unlockKey).toBe(unlock);
      // The file holds neither key in the clear any more: both are wrapped by the unlock key.
      const file = JSON.parse(readFileSync(join(dir, DATA_KEY_FILE), 'utf8')) as Record<string, unknown>;
      expect(file.kek).toBeUndefined();
      expect(file.older).toHaveLength(1);
    });

    it('after a crash right after the switch, the unlocked file opens records of both keys', () => {
      const dir = tmp();
      const a = ready(dir);
      const before = a.cipher.seal(sample, aad);
      const stolen = stolenDek(dir);
      const unlock = newUnlockKey();
      a.replace(unlock);
      const after = a.cipher.seal(sample, aad);
      const o = DataKey.open(dir);
      if (!('locked' in o)) throw new Error('autolock on: the file must be locked');
      const b = o.unlock(unlock);
      expect(b.cipher.open(before, aad)?.equals(sample)).toBe(true);
      expect(b.cipher.open(after, aad)?.equals(sample)).toBe(true);
      // And the restarted manager seals with the new key, not the old.
      expect(stolen.open(b.cipher.seal(sample, aad), aad)).toBeNull();
    });

    it('a rotated unlock key and autolock off keep every key readable', () => {
      const dir = tmp();
      const a = ready(dir);
      const before = a.cipher.seal(sample, aad);
      a.replace(newUnlockKey());
      const middle = a.cipher.seal(sample, aad);
      const rotated = newUnlockKey();
      a.rewrap(rotated);
      const o = DataKey.open(dir);
      if (!('locked' in o)) throw new Error('locked expected');
      expect(o.unlock(rotated).cipher.open(before, aad)?.equals(sample)).toBe(true);
      a.rewrap(null);
      const c = ready(dir);
      expect(c.cipher.open(before, aad)?.equals(sample)).toBe(true);
      expect(c.cipher.open(middle, aad)?.equals(sample)).toBe(true);
    });
  });
});

