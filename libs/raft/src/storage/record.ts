import { crc32 } from 'node:zlib';
import type { Entry, HardState } from '../core/types';
import type { RecordCipher } from './record-cipher';

/**
 * One WAL record on disk:
 *   u32 LE  length of (type + body)
 *   u32 LE  CRC-32 of (type + body)
 *   u8      type
 *   body
 * Integers inside bodies are 48-bit little endian (indexes and terms stay far below 2^48).
 * With a data key, every record is written as type Sealed whose body is
 * AES-GCM(inner type + inner body): the CRC still finds torn writes, the GCM
 * tag finds anything else (a flipped byte with a recomputed CRC, another key).
 */
export const HEADER = 8;
export const MAX_RECORD = 64 * 1024 * 1024;

export const enum RecordType {
  Entry = 1,
  HardState = 2,
  /** The log was replaced by a snapshot from the leader: forget every entry before this record. */
  LogReset = 3,
  /** An encrypted record: the inner type and body, sealed with the data key. */
  Sealed = 0x10,
}

export type WalRecord =
  | { type: RecordType.Entry; entry: Entry }
  | { type: RecordType.HardState; hard: HardState }
  | { type: RecordType.LogReset; index: number; term: number };

export function encodeRecord(r: WalRecord, cipher?: RecordCipher): Buffer {
  const inner = encodeBody(r);
  const payload = cipher ? Buffer.concat([SEALED_TYPE, cipher.seal(inner, SEALED_TYPE)]) : inner;
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  payload.copy(out, HEADER);
  out.writeUInt32LE(crc32(payload), 4);
  return out;
}

const SEALED_TYPE = Buffer.from([RecordType.Sealed]);

/** Type byte + body. */
function encodeBody(r: WalRecord): Buffer {
  let body: Buffer;
  switch (r.type) {
    case RecordType.Entry: {
      const e = r.entry;
      const isString = typeof e.data === 'string';
      const data = isString ? Buffer.from(e.data as string, 'utf8') : Buffer.from(e.data as Uint8Array);
      body = Buffer.allocUnsafe(14 + data.length);
      body.writeUIntLE(e.index, 0, 6);
      body.writeUIntLE(e.term, 6, 6);
      body[12] = e.type === 'conf' ? 1 : 0;
      body[13] = isString ? 1 : 0;
      data.copy(body, 14);
      break;
    }
    case RecordType.HardState: {
      const vote = Buffer.from(r.hard.vote ?? '', 'utf8');
      body = Buffer.allocUnsafe(13 + vote.length);
      body.writeUIntLE(r.hard.term, 0, 6);
      body.writeUIntLE(r.hard.commit, 6, 6);
      body[12] = r.hard.vote === null ? 0 : 1;
      vote.copy(body, 13);
      break;
    }
    case RecordType.LogReset: {
      body = Buffer.allocUnsafe(12);
      body.writeUIntLE(r.index, 0, 6);
      body.writeUIntLE(r.term, 6, 6);
      break;
    }
  }
  const out = Buffer.allocUnsafe(1 + body.length);
  out[0] = r.type;
  body.copy(out, 1);
  return out;
}

/**
 * Why a record could not be read. `short` at the end of the last segment is a torn write;
 * `auth` (a sealed record that does not open) and `nokey` (sealed, no data key given) never are.
 */
export type DecodeFailure = 'short' | 'length' | 'crc' | 'type' | 'auth' | 'nokey';

export type Decoded = { record: WalRecord; size: number; sealed: boolean } | { fail: DecodeFailure };

export function decodeRecord(buf: Buffer, at: number, cipher?: RecordCipher): Decoded {
  if (buf.length - at < HEADER) return { fail: 'short' };
  const len = buf.readUInt32LE(at);
  if (len < 1 || len > MAX_RECORD) return { fail: 'length' };
  if (buf.length - at < HEADER + len) return { fail: 'short' };
  const payload = buf.subarray(at + HEADER, at + HEADER + len);
  if (crc32(payload) !== buf.readUInt32LE(at + 4)) return { fail: 'crc' };
  const size = HEADER + len;
  if (payload[0] !== RecordType.Sealed) return decodeBody(payload, size, false);
  if (!cipher) return { fail: 'nokey' };
  const inner = cipher.open(payload.subarray(1), SEALED_TYPE);
  return inner ? decodeBody(inner, size, true) : { fail: 'auth' };
}

/** The fixed part of each record type's body: a shorter body (with a valid CRC: written so, or forged) is refused. */
const MIN_BODY: Partial<Record<number, number>> = { [RecordType.Entry]: 14, [RecordType.HardState]: 13, [RecordType.LogReset]: 12 };

function decodeBody(payload: Buffer, size: number, sealed: boolean): Decoded {
  const body = payload.subarray(1);
  const min = MIN_BODY[payload[0]];
  if (min === undefined) return { fail: 'type' };
  if (body.length < min) return { fail: 'length' };
  switch (payload[0]) {
    case RecordType.Entry: {
      const raw = body.subarray(14);
      const data = body[13] === 1 ? raw.toString('utf8') : new Uint8Array(raw);
      const entry: Entry = { index: body.readUIntLE(0, 6), term: body.readUIntLE(6, 6), type: body[12] === 1 ? 'conf' : 'normal', data };
      return { record: { type: RecordType.Entry, entry }, size, sealed };
    }
    case RecordType.HardState: {
      const vote = body[12] === 0 ? null : body.subarray(13).toString('utf8');
      return { record: { type: RecordType.HardState, hard: { term: body.readUIntLE(0, 6), commit: body.readUIntLE(6, 6), vote } }, size, sealed };
    }
    case RecordType.LogReset:
      return { record: { type: RecordType.LogReset, index: body.readUIntLE(0, 6), term: body.readUIntLE(6, 6) }, size, sealed };
    default:
      return { fail: 'type' };
  }
}
