import { RaftError } from '../core/errors';
import type { Message } from '../core/messages';
import type { Entry, EntryType, Payload } from '../core/types';

/**
 * Binary framing of Raft messages for TCP:
 *   u32 LE frame length (of everything after it)
 *   u32 LE header length, header JSON (every field but entries and snapshot bytes)
 *   u32 LE entry count, then per entry: u8 flags (1 = conf, 2 = utf-8 string),
 *     u48 index, u48 term, u32 data length, data
 *   the rest: snapshot chunk bytes (for `snap`)
 * Entries stay binary so payloads are never base64'd or re-parsed.
 */
export const DEFAULT_MAX_FRAME = 64 * 1024 * 1024;

interface EntryLike {
  readonly index?: number;
  readonly term?: number;
  readonly type: EntryType;
  readonly data: Payload;
}

export function encodeMessage(m: Message): Buffer {
  const entries: readonly EntryLike[] = m.type === 'app' || m.type === 'prop' ? m.entries : [];
  const snapData = m.type === 'snap' ? m.data : null;
  const header: Record<string, unknown> = { ...m };
  delete header.entries;
  delete header.data;
  const hb = Buffer.from(JSON.stringify(header), 'utf8');
  const datas = entries.map((e) => (typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength)));
  let size = 4 + 4 + hb.length + 4;
  for (const d of datas) size += 17 + d.length;
  if (snapData) size += snapData.byteLength;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  out.writeUInt32LE(size - 4, at);
  at += 4;
  out.writeUInt32LE(hb.length, at);
  at += 4;
  hb.copy(out, at);
  at += hb.length;
  out.writeUInt32LE(entries.length, at);
  at += 4;
  entries.forEach((e, i) => {
    out[at] = (e.type === 'conf' ? 1 : 0) | (typeof e.data === 'string' ? 2 : 0);
    out.writeUIntLE(e.index ?? 0, at + 1, 6);
    out.writeUIntLE(e.term ?? 0, at + 7, 6);
    out.writeUInt32LE(datas[i].length, at + 13);
    datas[i].copy(out, at + 17);
    at += 17 + datas[i].length;
  });
  if (snapData) Buffer.from(snapData.buffer, snapData.byteOffset, snapData.byteLength).copy(out, at);
  return out;
}

/** What each message type carries besides from/to/term: numbers (non-negative integers), booleans, strings. */
const FIELDS: Record<string, { n?: string[]; b?: string[]; s?: string[] }> = {
  app: { n: ['index', 'logTerm', 'commit'] },
  appResp: { n: ['index', 'hintIndex', 'hintTerm'], b: ['reject'] },
  vote: { n: ['index', 'logTerm'], b: ['transfer'] },
  preVote: { n: ['index', 'logTerm'], b: ['transfer'] },
  voteResp: { b: ['reject'] },
  preVoteResp: { b: ['reject'] },
  heartbeat: { n: ['commit'], s: ['context'] },
  heartbeatResp: { s: ['context'] },
  snap: { n: ['offset', 'total'] },
  snapResp: { n: ['index', 'offset'] },
  timeoutNow: {},
  prop: {},
  readIndex: { s: ['context'] },
  readIndexResp: { n: ['index'], s: ['context'] },
};

const bad = (why: string) => new RaftError('corrupt', `raft message: ${why}`);
const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

/** The header must be a message of a known type with fields of the right types: the core trusts what it is given. */
function checkHeader(h: unknown): asserts h is Record<string, unknown> {
  if (typeof h !== 'object' || h === null || Array.isArray(h)) throw bad('header is not an object');
  const m = h as Record<string, unknown>;
  const f = typeof m.type === 'string' && Object.hasOwn(FIELDS, m.type) ? FIELDS[m.type] : undefined;
  if (!f) throw bad(`unknown type ${JSON.stringify(m.type)}`);
  for (const k of ['from', 'to', ...(f.s ?? [])]) if (typeof m[k] !== 'string') throw bad(`${m.type}.${k} is not a string`);
  for (const k of ['term', ...(f.n ?? [])]) if (!isCount(m[k])) throw bad(`${m.type}.${k} is not a non-negative integer`);
  for (const k of f.b ?? []) if (typeof m[k] !== 'boolean') throw bad(`${m.type}.${k} is not a boolean`);
  if (m.type === 'snap') {
    const meta = m.meta as Record<string, unknown> | null;
    if (typeof meta !== 'object' || meta === null || !isCount(meta.index) || !isCount(meta.term)) throw bad('snap.meta is not a snapshot\'s metadata');
  }
}

/** Decodes one frame body (without its length prefix); anything malformed is a RaftError('corrupt'), never another throw. */
export function decodeMessage(body: Buffer): Message {
  const need = (at: number, n: number, what: string) => {
    if (body.length - at < n) throw bad(`${what} runs past the end of the frame`);
  };
  let at = 0;
  need(at, 4, 'header length');
  const hl = body.readUInt32LE(at);
  at += 4;
  need(at, hl, 'header');
  let header: unknown;
  try {
    header = JSON.parse(body.toString('utf8', at, at + hl));
  } catch {
    throw bad('header is not JSON');
  }
  checkHeader(header);
  at += hl;
  need(at, 4, 'entry count');
  const n = body.readUInt32LE(at);
  at += 4;
  // Each entry takes at least 17 bytes: a count the frame cannot hold is refused before any loop.
  if (n > (body.length - at) / 17) throw bad(`${n} entries cannot fit in the frame`);
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) {
    need(at, 17, 'entry');
    const flags = body[at];
    const index = body.readUIntLE(at + 1, 6);
    const term = body.readUIntLE(at + 7, 6);
    const len = body.readUInt32LE(at + 13);
    need(at + 17, len, 'entry data');
    const raw = body.subarray(at + 17, at + 17 + len);
    const data: Payload = flags & 2 ? raw.toString('utf8') : new Uint8Array(raw);
    entries.push({ index, term, type: flags & 1 ? 'conf' : 'normal', data });
    at += 17 + len;
  }
  if (header.type === 'app' || header.type === 'prop') header.entries = entries;
  else if (n > 0) throw bad(`a ${String(header.type)} message carries no entries`);
  if (header.type === 'snap') header.data = new Uint8Array(body.subarray(at));
  else if (at !== body.length) throw bad('trailing bytes');
  return header as unknown as Message;
}

/**
 * Splits a byte stream into frames; rejects frames above `maxFrame` (a hostile or broken peer).
 * A frame of many MB arrives in 64 KB chunks: they are held in a list and joined once, when the
 * frame is whole (joining on every chunk copied the growing buffer each time, quadratic in the
 * frame's size: seconds of a follower's event loop for one large append).
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private held = 0;
  /** Length of the frame being gathered, once its 4-byte prefix is in. */
  private need = -1;

  constructor(private readonly maxFrame = DEFAULT_MAX_FRAME) {}

  push(chunk: Buffer, onFrame: (body: Buffer) => void): void {
    this.chunks.push(chunk);
    this.held += chunk.length;
    for (;;) {
      if (this.need < 0) {
        if (this.held < 4) return;
        const len = this.prefix();
        if (len > this.maxFrame) throw new RaftError('too_large', `frame of ${len} bytes exceeds the ${this.maxFrame}-byte limit`);
        this.need = len;
      }
      if (this.held < 4 + this.need) return;
      const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.held);
      const end = 4 + this.need;
      this.need = -1;
      this.chunks = end === buf.length ? [] : [buf.subarray(end)];
      this.held = buf.length - end;
      onFrame(buf.subarray(4, end));
    }
  }

  /** The little-endian length prefix, which may straddle chunks. */
  private prefix(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readUInt32LE(0);
    const head = Buffer.alloc(4);
    let at = 0;
    for (const c of this.chunks) {
      at += c.copy(head, at, 0, Math.min(c.length, 4 - at));
      if (at === 4) break;
    }
    return head.readUInt32LE(0);
  }
}

/** Length-prefixed frame of raw bytes (the client protocol of the bench uses it too). */
export function frame(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32LE(body.length, 0);
  body.copy(out, 4);
  return out;
}
