import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The id of this manager's own node (its embedded worker's), for `/info` and `node ls`'s star. */
export class LocalNode {
  private cached?: string;
  constructor(private readonly dataDir: string) {}

  id(): string | undefined {
    if (this.cached) return this.cached;
    try {
      this.cached = readFileSync(join(this.dataDir, 'worker', 'node-id'), 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
    return this.cached;
  }
}
