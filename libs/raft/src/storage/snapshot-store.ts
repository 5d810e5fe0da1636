import { crc32 } from 'node:zlib';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptionError } from '../core/errors';
import type { Snapshot, SnapshotMeta } from '../core/types';
import { syncDir } from './wal';
import type { RecordCipher } from './record-cipher';

const MAGIC = 0x52534e31; // "RSN1"
/** Same layout, the part after the CRC being AES-GCM(meta length, meta, image) under the data key. */
const SEALED_MAGIC = 0x52534e32; // "RSN2"
const NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;

/**
 * Snapshot files: `<index hex16>-<term hex16>.snap` holding
 *   u32 magic, u32 CRC-32 of the rest, u32 meta length, meta JSON, image bytes.
 * Written to a temporary name, fsynced, renamed, and the directory fsynced, so a
 * crash leaves either the old or the new file. The two newest are kept.
 * With a data key, files are written sealed (RSN2) and plaintext ones are
 * rewritten sealed when the store opens (`sealed` says how many).
 */
export class SnapshotStore {
  /** Plaintext snapshot files found at open and rewritten sealed. */
  readonly resealed: number = 0;

  constructor(
    private readonly dir: string,
    private readonly fsync = true,
    private readonly cipher?: RecordCipher,
  ) {
    mkdirSync(dir, { recursive: true });
    if (cipher) this.resealed = this.sealPlaintext();
  }

  private sealPlaintext(): number {
    let n = 0;
    for (const name of this.list()) {
      const path = join(this.dir, name);
      const buf = readFileSync(path);
      if (buf.length < 4 || buf.readUInt32LE(0) !== MAGIC) continue;
      this.write(name, this.read(path, buf));
      n++;
    }
    return n;
  }

  save(s: Snapshot): void {
    this.write(`${hex(s.meta.index)}-${hex(s.meta.term)}.snap`, s);
    this.prune(2);
  }

  private write(name: string, s: Snapshot): void {
    const meta = Buffer.from(JSON.stringify(s.meta), 'utf8');
    const plain = Buffer.allocUnsafe(4 + meta.length + s.data.byteLength);
    plain.writeUInt32LE(meta.length, 0);
    meta.copy(plain, 4);
    Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength).copy(plain, 4 + meta.length);
    const body = this.cipher ? this.cipher.seal(plain, SEALED_AAD) : plain;
    const head = Buffer.allocUnsafe(8);
    head.writeUInt32LE(this.cipher ? SEALED_MAGIC : MAGIC, 0);
    head.writeUInt32LE(crc32(body), 4);
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
  }

  /** The newest snapshot, or null. A damaged newest file is an error, not a silent fallback. */
  loadLatest(): Snapshot | null {
    const names = this.list();
    if (names.length === 0) return null;
    const path = join(this.dir, names[names.length - 1]);
    return this.read(path, readFileSync(path));
  }

  private read(path: string, buf: Buffer): Snapshot {
    const magic = buf.length < 12 ? 0 : buf.readUInt32LE(0);
    if (magic !== MAGIC && magic !== SEALED_MAGIC) throw new CorruptionError(path, 0, 'bad snapshot header');
    const stored = buf.subarray(8);
    if (crc32(stored) !== buf.readUInt32LE(4)) throw new CorruptionError(path, 8, 'snapshot checksum mismatch');
    let body = stored;
    if (magic === SEALED_MAGIC) {
      if (!this.cipher) throw new CorruptionError(path, 8, 'encrypted snapshot and no data key to read it');
      const opened = this.cipher.open(stored, SEALED_AAD);
      if (!opened) throw new CorruptionError(path, 8, 'encrypted snapshot fails authentication (altered, or sealed with another data key)');
      body = opened;
    }
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

const SEALED_AAD = Buffer.from('RSN2', 'latin1');

function hex(n: number): string {
  return n.toString(16).padStart(16, '0');
}

function writeAll(fd: number, b: Buffer): void {
  let off = 0;
  while (off < b.length) off += writeSync(fd, b, off, b.length - off);
}
