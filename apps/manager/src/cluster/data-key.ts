import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordCipher, newDataKey, unwrapDataKey, wrapDataKey } from '@flotilla/raft';
import { parseUnlockKey } from '@flotilla/contracts';

/** DATA_DIR/raft-key.json: the wrapped data key, and the KEK itself unless autolock holds it elsewhere. */
interface KeyFile {
  dek: string;
  /** base64 KEK, in the clear: present without autolock (then a copied WAL alone reveals nothing). */
  kek?: string;
  /** Data keys replaced by `dek` (newest first), wrapped by the same KEK: they only open records sealed before. */
  older?: string[];
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
    private dek: Buffer,
    /** The unlock key the file is wrapped with, or null when its KEK is stored in the clear. */
    private lockedBy: string | null,
    private older: Buffer[] = [],
  ) {
    this.cipher = new RecordCipher(dek, older);
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
    const unwrapAll = (kek: Buffer) => (saved.older ?? []).map((w) => unwrapDataKey(w, kek));
    if (saved.kek) {
      const kek = Buffer.from(saved.kek, 'base64');
      return { key: new DataKey(file, unwrapDataKey(saved.dek, kek), null, unwrapAll(kek)) };
    }
    return {
      locked: true,
      // Throws WrongKeyError for a key that does not open it; the caller checked the key's format.
      unlock: (unlockKey) => {
        const kek = parseUnlockKey(unlockKey) ?? Buffer.alloc(0);
        return new DataKey(file, unwrapDataKey(saved.dek, kek), unlockKey.trim(), unwrapAll(kek));
      },
    };
  }

  /** Which unlock key wraps the data key now (null: a local KEK). */
  get unlockKey(): string | null {
    return this.lockedBy;
  }

  /** Wraps the same DEK again: with the unlock key (unlock key rotated, autolock off), or with a new local KEK (autolock off). */
  rewrap(unlockKey: string | null): void {
    this.write(this.dek, this.older, unlockKey);
  }

  /**
   * Autolock turning on, as swarmkit does it: a fresh DEK wrapped by the unlock
   * key seals everything from now on, so the old DEK (whose KEK sat in the
   * clear on disk until now) opens nothing written after. The old key is kept,
   * wrapped by the unlock key too, only to read the records it sealed. The file
   * is replaced (renamed) before the cipher turns: a crash at any point leaves
   * a file that opens every record on disk.
   */
  replace(unlockKey: string): void {
    const next = newDataKey();
    const older = [this.dek, ...this.older];
    this.write(next, older, unlockKey);
    this.cipher.rotate(next);
    this.dek = next;
    this.older = older;
  }

  private write(dek: Buffer, older: Buffer[], unlockKey: string | null): void {
    const kek = unlockKey ? parseUnlockKey(unlockKey) : newDataKey();
    if (!kek) throw new Error('the cluster holds a malformed unlock key');
    const saved: KeyFile = { dek: wrapDataKey(dek, kek), ...(unlockKey ? {} : { kek: kek.toString('base64') }), ...(older.length ? { older: older.map((k) => wrapDataKey(k, kek)) } : {}) };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(saved), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
    this.lockedBy = unlockKey;
  }
}
