import { randomFillSync } from 'node:crypto';

/** Random bytes drawn 4 KB at a time: one call into the CSPRNG per 256 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let used = pool.length;

/** Docker-style 25-character lower-case base-36 object ids (swarmkit's identity.NewID): 128 random bits. */
export function newId(): string {
  if (used + 16 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const n = (pool.readBigUInt64BE(used) << 64n) | pool.readBigUInt64BE(used + 8);
  used += 16;
  return n.toString(36).padStart(25, '0').slice(-25);
}
