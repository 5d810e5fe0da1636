import { randomBytes } from 'node:crypto';

/** Docker-style 25-character lower-case base-36 object ids (swarmkit's identity.NewID). */
export function newId(): string {
  const bytes = randomBytes(16);
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n.toString(36).padStart(25, '0').slice(-25);
}
