import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlotillaError } from '@flotilla/contracts';

interface Saved {
  raftKey?: string;
  redisUrl?: string;
}

/**
 * What a manager must know before its copy of the state arrives: the raft
 * key (to accept the leader's connections) and the cluster's Redis. Kept in
 * DATA_DIR/manager.json (mode 0600) so a restarted manager needs nobody.
 */
export class ManagerKeys {
  private saved: Saved;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'manager.json');
    try {
      this.saved = JSON.parse(readFileSync(this.file, 'utf8')) as Saved;
    } catch {
      this.saved = {};
    }
  }

  get raftKey(): string | null {
    return this.saved.raftKey ?? null;
  }

  get redisUrl(): string | undefined {
    return this.saved.redisUrl;
  }

  require(): string {
    if (!this.saved.raftKey) throw new FlotillaError('unavailable', 'this manager has no raft key yet');
    return this.saved.raftKey;
  }

  save(next: Saved): void {
    this.saved = { ...this.saved, ...next };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.saved), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }
}
