import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CorruptionError } from '../core/errors';
import type { Ready } from '../core/ready';
import type { Entry } from '../core/types';
import { DiskStorage } from './disk-storage';
import { Wal } from './wal';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'raft-wal-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ent = (index: number, term: number, data: string | Uint8Array = `e${index}`): Entry => ({ index, term, type: 'normal', data });
const ready = (over: Partial<Ready>): Ready => ({
  hardState: null,
  entries: [],
  snapshot: null,
  committedEntries: [],
  messages: [],
  readStates: [],
  mustSync: true,
  ...over,
});

describe('WAL', () => {
  it('round-trips hard state and entries (strings and bytes)', () => {
    const dir = tmp();
    const { wal } = Wal.open(dir);
    wal.save({ term: 3, vote: 'b', commit: 2 }, [ent(1, 1), ent(2, 3, new Uint8Array([1, 2, 3]))], true);
    wal.close();
    const { contents } = Wal.open(dir);
    expect(contents.hard).toEqual({ term: 3, vote: 'b', commit: 2 });
    expect(contents.entries.map((e) => e.index)).toEqual([1, 2]);
    expect(contents.entries[1].data).toEqual(new Uint8Array([1, 2, 3]));
    expect(contents.entries[0].data).toBe('e1');
  });

  it('replays a conflicting append as a truncation', () => {
    const dir = tmp();
    const { wal } = Wal.open(dir);
    wal.save(null, [ent(1, 1), ent(2, 1), ent(3, 1)], true);
    wal.save(null, [ent(2, 2)], true);
    wal.close();
    const { contents } = Wal.open(dir);
    expect(contents.entries.map((e) => `${e.index}@${e.term}`)).toEqual(['1@1', '2@2']);
  });

  it.each([1, 5, 13])('truncates a torn tail of %i bytes and keeps the complete records', (cut) => {
    const dir = tmp();
    const { wal } = Wal.open(dir);
    wal.save({ term: 1, vote: null, commit: 0 }, [ent(1, 1), ent(2, 1)], true);
    wal.save(null, [ent(3, 1, 'x'.repeat(40))], true);
    wal.close();
    const seg = join(dir, readdirSync(dir)[0]);
    const full = readFileSync(seg);
    writeFileSync(seg, full.subarray(0, full.length - cut));
    const { wal: w2, contents } = Wal.open(dir);
    expect(contents.entries.map((e) => e.index)).toEqual([1, 2]);
    expect(contents.tornBytes).toBeGreaterThan(0);
    // And appending after recovery works.
    w2.save(null, [ent(3, 2)], true);
    w2.close();
    expect(Wal.open(dir).contents.entries.map((e) => `${e.index}@${e.term}`)).toEqual(['1@1', '2@1', '3@2']);
  });

  it('treats garbage appended at the end as a torn write', () => {
    const dir = tmp();
    const { wal } = Wal.open(dir);
    wal.save(null, [ent(1, 1)], true);
    wal.close();
    appendFileSync(join(dir, readdirSync(dir)[0]), Buffer.from([0xff, 0xff, 0x00, 0x12, 0x34]));
    expect(Wal.open(dir).contents.entries).toHaveLength(1);
  });

  it('refuses to start when a record in the middle is damaged', () => {
    const dir = tmp();
    const { wal } = Wal.open(dir);
    for (let i = 1; i <= 10; i++) wal.save(null, [ent(i, 1, `payload-${i}`)], true);
    wal.close();
    const seg = join(dir, readdirSync(dir)[0]);
    const buf = readFileSync(seg);
    buf[Math.floor(buf.length / 2)] ^= 0xff;
    writeFileSync(seg, buf);
    expect(() => Wal.open(dir)).toThrow(CorruptionError);
    expect(() => Wal.open(dir)).toThrow(/refusing to start/);
  });

  it('refuses to start when a sealed segment is damaged', () => {
    const dir = tmp();
    const { wal } = Wal.open(dir, { segmentBytes: 200 });
    for (let i = 1; i <= 20; i++) wal.save(null, [ent(i, 1, 'y'.repeat(30))], true);
    wal.close();
    const segs = readdirSync(dir).sort();
    expect(segs.length).toBeGreaterThan(2);
    const first = join(dir, segs[0]);
    writeFileSync(first, readFileSync(first).subarray(0, statSync(first).size - 3));
    expect(() => Wal.open(dir, { segmentBytes: 200 })).toThrow(/sealed segment/);
  });

  it('rotates segments, restates the hard state, and releases old ones', () => {
    const dir = tmp();
    const { wal } = Wal.open(dir, { segmentBytes: 200 });
    wal.save({ term: 7, vote: 'a', commit: 0 }, [], true);
    for (let i = 1; i <= 30; i++) wal.save(null, [ent(i, 7, 'z'.repeat(30))], true);
    const before = wal.segmentCount();
    expect(wal.releaseTo(20)).toBeGreaterThan(0);
    expect(wal.segmentCount()).toBeLessThan(before);
    wal.close();
    const { contents } = Wal.open(dir, { segmentBytes: 200 });
    expect(contents.hard.term).toBe(7);
    expect(contents.entries[contents.entries.length - 1].index).toBe(30);
    expect(contents.entries[0].index).toBeLessThanOrEqual(21);
  });
});

describe('DiskStorage', () => {
  it('recovers snapshot + later entries and drops the compacted prefix', () => {
    const dir = tmp();
    const s = new DiskStorage(dir, { segmentBytes: 300 });
    s.saveReady(ready({ hardState: { term: 2, vote: 'a', commit: 5 }, entries: [1, 2, 3, 4, 5, 6].map((i) => ent(i, 2)) }));
    s.saveSnapshot({ meta: { index: 4, term: 2, conf: { voters: ['a', 'b', 'c'], learners: [] } }, data: new Uint8Array([9, 9]) });
    s.close();
    const init = new DiskStorage(dir, { segmentBytes: 300 }).initialState();
    expect(init.snapshot?.meta.index).toBe(4);
    expect(init.snapshot?.data).toEqual(new Uint8Array([9, 9]));
    expect(init.entries.map((e) => e.index)).toEqual([5, 6]);
    expect(init.hardState).toEqual({ term: 2, vote: 'a', commit: 5 });
  });

  it('a snapshot from the leader resets the log on disk', () => {
    const dir = tmp();
    const s = new DiskStorage(dir);
    s.saveReady(ready({ entries: [1, 2, 3, 4, 5].map((i) => ent(i, 1)) }));
    s.saveReady(ready({ snapshot: { meta: { index: 10, term: 3, conf: { voters: ['a'], learners: [] } }, data: new Uint8Array() } }));
    s.saveReady(ready({ entries: [ent(11, 3)] }));
    s.close();
    const init = new DiskStorage(dir).initialState();
    expect(init.snapshot?.meta.index).toBe(10);
    expect(init.entries.map((e) => e.index)).toEqual([11]);
  });

  it('ignores WAL entries of a discarded history after a snapshot (crash before the reset record)', () => {
    const dir = tmp();
    const s = new DiskStorage(dir);
    s.saveReady(ready({ entries: [1, 2, 3, 4, 5, 6].map((i) => ent(i, 1)) }));
    s.saveSnapshot({ meta: { index: 4, term: 2, conf: { voters: ['a'], learners: [] } }, data: new Uint8Array() });
    s.close();
    expect(new DiskStorage(dir).initialState().entries).toEqual([]);
  });

  it('a damaged snapshot file refuses to start', () => {
    const dir = tmp();
    const s = new DiskStorage(dir);
    s.saveSnapshot({ meta: { index: 1, term: 1, conf: { voters: ['a'], learners: [] } }, data: new Uint8Array([1, 2, 3, 4]) });
    s.close();
    const snapDir = join(dir, 'snap');
    const f = join(snapDir, readdirSync(snapDir)[0]);
    const b = readFileSync(f);
    b[b.length - 1] ^= 1;
    writeFileSync(f, b);
    expect(() => new DiskStorage(dir)).toThrow(/checksum/);
  });
});
