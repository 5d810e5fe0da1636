import { crc32 } from 'node:zlib';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptionError } from '../core/errors';
import type { Snapshot, SnapshotMeta } from '../core/types';
import { syncDir } from './wal';

const MAGIC = 0x52534e31; // "RSN1"
const NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;

/**
 * Snapshot files: `<index hex16>-<term hex16>.snap` holding
 *   u32 magic, u32 CRC-32 of the rest, u32 meta length, meta JSON, image bytes.
 * Written to a temporary name, fsynced, renamed, and the directory fsynced, so a
 * crash leaves either the old or the new file. The two newest are kept.
 */
export class SnapshotStore {
  constructor(
    private readonly dir: string,
    private readonly fsync = true,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  save(s: Snapshot): void {
    const meta = Buffer.from(JSON.stringify(s.meta), 'utf8');
    const body = Buffer.allocUnsafe(4 + meta.length + s.data.byteLength);
    body.writeUInt32LE(meta.length, 0);
    meta.copy(body, 4);
    Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength).copy(body, 4 + meta.length);
    const head = Buffer.allocUnsafe(8);
    head.writeUInt32LE(MAGIC, 0);
    head.writeUInt32LE(crc32(body), 4);
    const name = `${hex(s.meta.index)}-${hex(s.meta.term)}.snap`;
    const tmp = join(this.dir, `${name}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, head);
      writeAll(fd, body);
      if (this.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, name));
    syncDir(this.dir, this.fsync);
    this.prune(2);
  }

  /** The newest snapshot, or null. A damaged newest file is an error, not a silent fallback. */
  loadLatest(): Snapshot | null {
    const names = this.list();
    if (names.length === 0) return null;
    const path = join(this.dir, names[names.length - 1]);
    const buf = readFileSync(path);
    if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC) throw new CorruptionError(path, 0, 'bad snapshot header');
    const body = buf.subarray(8);
    if (crc32(body) !== buf.readUInt32LE(4)) throw new CorruptionError(path, 8, 'snapshot checksum mismatch');
    const metaLen = body.readUInt32LE(0);
    const meta = JSON.parse(body.subarray(4, 4 + metaLen).toString('utf8')) as SnapshotMeta;
    return { meta, data: new Uint8Array(body.subarray(4 + metaLen)) };
  }

  private list(): string[] {
    const all = readdirSync(this.dir);
    for (const n of all) if (n.endsWith('.snap.tmp')) unlinkSync(join(this.dir, n));
    return all.filter((n) => NAME.test(n)).sort();
  }

  private prune(keep: number): void {
    const names = this.list();
    for (const n of names.slice(0, Math.max(0, names.length - keep))) unlinkSync(join(this.dir, n));
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(16, '0');
}

function writeAll(fd: number, b: Buffer): void {
  let off = 0;
  while (off < b.length) off += writeSync(fd, b, off, b.length - off);
}
