import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CorruptionError } from '../core/errors';
import type { Ready } from '../core/ready';
import type { Entry } from '../core/types';
import { DiskStorage } from './disk-storage';
import { HEADER } from './record';
import { RecordCipher } from './record-cipher';
import { SnapshotStore } from './snapshot-store';
import { Wal } from './wal';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'raft-enc-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SECRET = 'c2VjcmV0LXZhbHVlLTQy-the-secret';
const cipher = new RecordCipher(Buffer.alloc(32, 3));
const other = new RecordCipher(Buffer.alloc(32, 4));
const ent = (index: number, term: number, data: string | Uint8Array = `e${index} ${SECRET}`): Entry => ({ index, term, type: 'normal', data });
const ready = (over: Partial<Ready>): Ready => ({ hardState: null, entries: [], snapshot: null, committedEntries: [], messages: [], readStates: [], mustSync: true, ...over });

/** Every file's bytes under dir, concatenated. */
function allBytes(dir: string): Buffer {
  const out: Buffer[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(readFileSync(join(e.parentPath, e.name)));
  return Buffer.concat(out);
}
const walFile = (dir: string) => join(dir, readdirSync(dir).filter((n) => n.endsWith('.wal')).sort()[0]);

describe('encrypted WAL', () => {
  it('round-trips hard state and entries, and no plaintext reaches the disk', () => {
    const dir = tmp();
    const { wal } = Wal.open(dir, { cipher });
    wal.save({ term: 3, vote: 'node-b', commit: 2 }, [ent(1, 1), ent(2, 3, new Uint8Array(Buffer.from(SECRET)))], true);
    wal.close();
    const { contents, wal: again } = Wal.open(dir, { cipher });
    again.close();
    expect(contents.hard).toEqual({ term: 3, vote: 'node-b', commit: 2 });
    expect(contents.entries.map((e) => e.index)).toEqual([1, 2]);
    expect(Buffer.from(contents.entries[1].data as Uint8Array).toString()).toBe(SECRET);
    expect(contents.plainRecords).toBe(0);
    const disk = allBytes(dir);
    expect(disk.includes(SECRET)).toBe(false);
    expect(disk.includes('node-b')).toBe(false);
  });

  it('names a flipped byte whose CRC was fixed up (authentication fails), and refuses to start', () => {
    const dir = tmp();
    const { wal } = Wal.open(dir, { cipher });
    wal.save({ term: 1, vote: null, commit: 0 }, [ent(1, 1), ent(2, 1)], true);
    wal.close();
    const f = walFile(dir);
    const buf = readFileSync(f);
    // Second record (the first entry): flip a ciphertext byte and recompute its CRC, as a forger would.
    const at = HEADER + buf.readUInt32LE(0);
    const len = buf.readUInt32LE(at);
    buf[at + HEADER + 20] ^= 0x40;
    buf.writeUInt32LE(crc32(buf.subarray(at + HEADER, at + HEADER + len)), at + 4);
    writeFileSync(f, buf);
    expect(() => Wal.open(dir, { cipher })).toThrow(CorruptionError);
    expect(() => Wal.open(dir, { cipher })).toThrow(new RegExp(`${f}.*at byte ${at}.*fails authentication`));
  });

  it('names a flipped byte in the middle of the log (CRC)', () => {
    const dir = tmp();
    const { wal } = Wal.open(dir, { cipher });
    wal.save({ term: 1, vote: null, commit: 0 }, [ent(1, 1), ent(2, 1), ent(3, 1)], true);
    wal.close();
    const f = walFile(dir);
    const buf = readFileSync(f);
    buf[HEADER + buf.readUInt32LE(0) + HEADER + 5] ^= 1;
    writeFileSync(f, buf);
    expect(() => Wal.open(dir, { cipher })).toThrow(/record followed by valid records/);
  });

  it.each([
    ['another data key', other, /fails authentication/],
    ['no data key', undefined, /no data key to read it/],
  ] as const)('refuses a log read with %s', (_n, key, msg) => {
    const dir = tmp();
    const { wal } = Wal.open(dir, { cipher });
    wal.save({ term: 1, vote: null, commit: 0 }, [ent(1, 1)], true);
    wal.close();
    expect(() => Wal.open(dir, { cipher: key })).toThrow(msg);
  });

  it('still truncates a torn sealed tail', () => {
    const dir = tmp();
    const { wal } = Wal.open(dir, { cipher });
    wal.save({ term: 1, vote: null, commit: 0 }, [ent(1, 1), ent(2, 1)], true);
    wal.close();
    const f = walFile(dir);
    const buf = readFileSync(f);
    writeFileSync(f, buf.subarray(0, buf.length - 7));
    const { contents, wal: again } = Wal.open(dir, { cipher });
    again.close();
    expect(contents.tornBytes).toBeGreaterThan(0);
    expect(contents.entries.map((e) => e.index)).toEqual([1]);
  });
});

describe('encrypted snapshots', () => {
  const snap = { meta: { index: 9, term: 2, conf: { voters: ['a'], learners: [] } }, data: new Uint8Array(Buffer.from(`{"secret":"${SECRET}"}`)) };

  it('round-trip sealed; another key or no key is refused by name', () => {
    const dir = tmp();
    new SnapshotStore(dir, false, cipher).save(snap);
    expect(allBytes(dir).includes(SECRET)).toBe(false);
    expect(Buffer.from(new SnapshotStore(dir, false, cipher).loadLatest()!.data).toString()).toContain(SECRET);
    expect(() => new SnapshotStore(dir, false, other).loadLatest()).toThrow(/encrypted snapshot fails authentication/);
    expect(() => new SnapshotStore(dir, false).loadLatest()).toThrow(/encrypted snapshot and no data key/);
  });

  it('detects a flipped byte', () => {
    const dir = tmp();
    new SnapshotStore(dir, false, cipher).save(snap);
    const f = join(dir, readdirSync(dir)[0]);
    const buf = readFileSync(f);
    buf[30] ^= 1;
    buf.writeUInt32LE(crc32(buf.subarray(8)), 4);
    writeFileSync(f, buf);
    expect(() => new SnapshotStore(dir, false, cipher).loadLatest()).toThrow(CorruptionError);
  });
});

describe('migration of a plaintext data dir', () => {
  it('rewrites the WAL and snapshots sealed at the first open with a key, keeping the same state', () => {
    const dir = tmp();
    const plain = new DiskStorage(dir, { fsync: false });
    plain.saveReady(ready({ hardState: { term: 2, vote: 'a', commit: 3 }, entries: [ent(1, 1), ent(2, 1), ent(3, 2)] }));
    plain.saveSnapshot({ meta: { index: 2, term: 1, conf: { voters: ['a'], learners: [] } }, data: new Uint8Array(Buffer.from(SECRET)) });
    plain.close();
    const reopened = new DiskStorage(dir, { fsync: false });
    const before = reopened.initialState();
    reopened.close();
    expect(before.entries.map((e) => e.index)).toEqual([3]);
    expect(allBytes(dir).includes(SECRET)).toBe(true);

    const sealed = new DiskStorage(dir, { fsync: false, cipher });
    expect(sealed.migrated.walRecords).toBeGreaterThan(0);
    expect(sealed.migrated.snapshots).toBe(1);
    sealed.close();
    expect(allBytes(dir).includes(SECRET)).toBe(false);

    const again = new DiskStorage(dir, { fsync: false, cipher });
    expect(again.migrated).toEqual({ walRecords: 0, snapshots: 0 });
    const after = again.initialState();
    again.close();
    expect(after.hardState).toEqual(before.hardState);
    expect(after.entries).toEqual(before.entries);
    expect(Buffer.from(after.snapshot!.data).toString()).toBe(SECRET);
  });

  it('replays the same log when a crash left both the plaintext segments and the sealed rewrite', () => {
    const dir = tmp();
    const walDir = join(dir, 'wal');
    const { wal } = Wal.open(walDir, { fsync: false });
    wal.save({ term: 2, vote: 'a', commit: 2 }, [ent(1, 1), ent(2, 2), ent(3, 2)], true);
    wal.close();
    const plainCopy = readFileSync(walFile(walDir));
    const { wal: w2, contents: first } = Wal.open(walDir, { fsync: false, cipher });
    w2.close();
    // Put the deleted plaintext segment back in front of the sealed one.
    writeFileSync(join(walDir, '0000000000000001.wal'), plainCopy);
    const { wal: w3, contents } = Wal.open(walDir, { fsync: false, cipher });
    w3.close();
    expect(contents.entries).toEqual(first.entries);
    expect(contents.hard).toEqual(first.hard);
  });
});

describe('a data key replaced (autolock on)', () => {
  it('records after the rotation need the new key; records before still open with the ring', () => {
    const dir = tmp();
    const oldKey = Buffer.alloc(32, 5);
    const newKey = Buffer.alloc(32, 6);
    const ring = new RecordCipher(oldKey);
    const { wal } = Wal.open(dir, { cipher: ring });
    wal.save({ term: 1, vote: null, commit: 0 }, [ent(1, 1)], true);
    ring.rotate(newKey);
    wal.save({ term: 1, vote: null, commit: 1 }, [ent(2, 1)], true);
    wal.close();
    // The old key alone: the first record after the rotation fails authentication.
    expect(() => Wal.open(dir, { cipher: new RecordCipher(oldKey) })).toThrow(/fails authentication/);
    const { contents, wal: again } = Wal.open(dir, { cipher: new RecordCipher(newKey, [oldKey]) });
    again.close();
    expect(contents.entries.map((e) => e.index)).toEqual([1, 2]);
    expect(contents.hard).toEqual({ term: 1, vote: null, commit: 1 });
  });
});
