import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A node's TLS identity: the cluster's root, its certificate, and its own private key. */
export interface NodeCredentials {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** Where a node keeps them: DATA_DIR/tls/{ca,cert,key}.pem, mode 0600 (the key never leaves the node). */
export const credentialsDir = (dataDir: string) => join(dataDir, 'tls');

export function readCredentials(dataDir: string): NodeCredentials | undefined {
  const dir = credentialsDir(dataDir);
  try {
    return { ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } catch {
    return undefined;
  }
}

export function writeCredentials(dataDir: string, c: NodeCredentials): void {
  const dir = credentialsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const [name, pem] of [['key.pem', c.key], ['ca.pem', c.ca], ['cert.pem', c.cert]] as const) {
    writeFileSync(join(dir, `${name}.tmp`), pem, { mode: 0o600 });
    renameSync(join(dir, `${name}.tmp`), join(dir, name));
  }
}
