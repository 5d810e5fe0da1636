import { randomBytes } from 'node:crypto';
import { RaftError } from '../core/errors';
import { KEY_BYTES, RecordCipher } from './record-cipher';

const PREFIX = 'dek1:';
const AAD = Buffer.from('flotilla raft data key', 'utf8');

/** A data key wrapped by a key-encryption key could not be unwrapped: wrong KEK, or the text was altered. */
export class WrongKeyError extends RaftError {
  constructor() {
    super('wrong_key', 'the key-encryption key does not open this data key');
    this.name = 'WrongKeyError';
  }
}

export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * The DEK encrypted (and authenticated) by a KEK, as text for a key file. The
 * KEK is either kept next to it (no autolock: protects a copied WAL, not a
 * copied data dir) or is the cluster's unlock key, held only in memory.
 */
export function wrapDataKey(dek: Uint8Array, kek: Uint8Array): string {
  return PREFIX + new RecordCipher(kek).seal(dek, AAD).toString('base64');
}

export function unwrapDataKey(wrapped: string, kek: Uint8Array): Buffer {
  if (!wrapped.startsWith(PREFIX)) throw new WrongKeyError();
  if (kek.length !== KEY_BYTES) throw new WrongKeyError();
  const dek = new RecordCipher(kek).open(Buffer.from(wrapped.slice(PREFIX.length), 'base64'), AAD);
  if (!dek || dek.length !== KEY_BYTES) throw new WrongKeyError();
  return dek;
}
