import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const NONCE = 12;
const TAG = 16;
export const KEY_BYTES = 32;

/**
 * AES-256-GCM over one storage record with the manager's data key (DEK). A fresh
 * random nonce per record (2^32 records per key keeps the collision odds far
 * below GCM's bound); `aad` binds what is not encrypted (the record type) so it
 * cannot be swapped. Output: nonce | ciphertext | tag.
 *
 * `rotate` replaces the key new records are sealed with (autolock turning on,
 * as swarmkit replaces its DEK); the keys before it only open what they sealed.
 */
export class RecordCipher {
  private key: Buffer;
  private older: Buffer[];

  constructor(key: Uint8Array, older: readonly Uint8Array[] = []) {
    this.key = checkKey(key);
    this.older = older.map(checkKey);
  }

  /** From now on records are sealed with `next`; the current key is kept to open what it sealed. */
  rotate(next: Uint8Array): void {
    this.older = [this.key, ...this.older];
    this.key = checkKey(next);
  }

  static overhead = NONCE + TAG;

  seal(plain: Uint8Array, aad: Uint8Array): Buffer {
    const nonce = randomBytes(NONCE);
    const c = createCipheriv('aes-256-gcm', this.key, nonce);
    c.setAAD(aad);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([nonce, body, c.getAuthTag()]);
  }

  /** The plaintext, or null when the record was altered or sealed with a key this cipher does not hold. */
  open(sealed: Uint8Array, aad: Uint8Array): Buffer | null {
    for (const key of [this.key, ...this.older]) {
      const plain = openWith(key, sealed, aad);
      if (plain) return plain;
    }
    return null;
  }
}

function checkKey(key: Uint8Array): Buffer {
  if (key.length !== KEY_BYTES) throw new Error(`a data key is ${KEY_BYTES} bytes, not ${key.length}`);
  return Buffer.from(key);
}

function openWith(key: Buffer, sealed: Uint8Array, aad: Uint8Array): Buffer | null {
  if (sealed.length < NONCE + TAG) return null;
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  try {
    const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, NONCE));
    d.setAAD(aad);
    d.setAuthTag(buf.subarray(buf.length - TAG));
    return Buffer.concat([d.update(buf.subarray(NONCE, buf.length - TAG)), d.final()]);
  } catch {
    return null;
  }
}
