import type { Payload } from '../core/types';

const ENVELOPE = 0xfa;

/** Envelope: 0xFA, u8 id length, id, u8 kind (0 bytes / 1 utf-8), payload. */
export function wrap(id: string, data: Payload): Uint8Array {
  const idb = Buffer.from(id, 'latin1');
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = Buffer.allocUnsafe(3 + idb.length + body.length);
  out[0] = ENVELOPE;
  out[1] = idb.length;
  idb.copy(out, 2);
  out[2 + idb.length] = typeof data === 'string' ? 1 : 0;
  body.copy(out, 3 + idb.length);
  return out;
}

export function unwrap(p: Payload): { id: string; data: Uint8Array | string } | null {
  if (typeof p === 'string' || p.byteLength < 3 || p[0] !== ENVELOPE) return null;
  const b = Buffer.from(p.buffer, p.byteOffset, p.byteLength);
  const n = b[1];
  const id = b.toString('latin1', 2, 2 + n);
  const kind = b[2 + n];
  const body = b.subarray(3 + n);
  return { id, data: kind === 1 ? body.toString('utf8') : new Uint8Array(body) };
}
