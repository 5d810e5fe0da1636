import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newUnlockKey } from '@flotilla/contracts';
import { WrongKeyError } from '@flotilla/raft';
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
});
