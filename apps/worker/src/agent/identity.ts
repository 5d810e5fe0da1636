import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { identityFile } from '../config';

/** The node id survives restarts in the data dir, so a restarted node rejoins as itself. */
export function readNodeId(dataDir: string): string | undefined {
  try {
    const id = readFileSync(identityFile(dataDir), 'utf8').trim();
    return /^[a-z0-9]{1,64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

export function writeNodeId(dataDir: string, id: string): void {
  mkdirSync(dataDir, { recursive: true });
  const f = identityFile(dataDir);
  writeFileSync(`${f}.tmp`, id + '\n');
  renameSync(`${f}.tmp`, f);
}
