import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordCipher, newDataKey, unwrapDataKey, wrapDataKey } from '@flotilla/raft';
import { parseUnlockKey } from '@flotilla/contracts';

/** DATA_DIR/raft-key.json: the wrapped data key, and the KEK itself unless autolock holds it elsewhere. */
interface KeyFile {
  dek: string;
  /** base64 KEK, in the clear: present without autolock (then a copied WAL alone reveals nothing). */
  kek?: string;
}

export const DATA_KEY_FILE = 'raft-key.json';

/**
 * This manager's Raft data key (DEK), as swarmkit keeps it in its TLS key's
 * headers: wrapped by a key-encryption key that is either stored next to it
 * (autolock off) or is the cluster's unlock key, held only in memory.
 */
export class DataKey {
  readonly cipher: RecordCipher;

  private constructor(
    private readonly file: string,
    private readonly dek: Buffer,
    /** The unlock key the file is wrapped with, or null when its KEK is stored in the clear. */
    private lockedBy: string | null,
  ) {
    this.cipher = new RecordCipher(dek);
  }

  /** The file as it is: ready (clear KEK, or a new dir), or locked until `unlock` is given the key. */
  static open(dataDir: string): { key: DataKey } | { locked: true; unlock: (unlockKey: string) => DataKey } {
    const file = join(dataDir, DATA_KEY_FILE);
    if (!existsSync(file)) {
      const key = new DataKey(file, newDataKey(), null);
      key.rewrap(null);
      return { key };
    }
    const saved = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
    if (saved.kek) return { key: new DataKey(file, unwrapDataKey(saved.dek, Buffer.from(saved.kek, 'base64')), null) };
    return {
      locked: true,
      // Throws WrongKeyError for a key that does not open it; the caller checked the key's format.
      unlock: (unlockKey) => new DataKey(file, unwrapDataKey(saved.dek, parseUnlockKey(unlockKey) ?? Buffer.alloc(0)), unlockKey.trim()),
    };
  }

  /** Which unlock key wraps the data key now (null: a local KEK). */
  get unlockKey(): string | null {
    return this.lockedBy;
  }

  /** Wraps the same DEK again: with the unlock key (autolock on or rotated), or with a new local KEK (autolock off). */
  rewrap(unlockKey: string | null): void {
    const kek = unlockKey ? parseUnlockKey(unlockKey) : newDataKey();
    if (!kek) throw new Error('the cluster holds a malformed unlock key');
    const saved: KeyFile = unlockKey ? { dek: wrapDataKey(this.dek, kek) } : { dek: wrapDataKey(this.dek, kek), kek: kek.toString('base64') };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(saved), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
    this.lockedBy = unlockKey;
  }
}
