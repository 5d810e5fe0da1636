import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Join tokens shaped like Docker's: SWMTKN-1-<cluster fingerprint>-<secret>.
 * The fingerprint lets a joining node check it reached the cluster it meant
 * to; the secret is what the manager checks, in constant time.
 */
export interface ParsedToken {
  fingerprint: string;
  secret: string;
}

const TOKEN_RE = /^SWMTKN-1-([0-9a-z]{50})-([0-9a-z]{25})$/;

function base36(buf: Buffer, len: number): string {
  let n = 0n;
  for (const b of buf) n = (n << 8n) | BigInt(b);
  return n.toString(36).padStart(len, '0').slice(-len);
}

export function newJoinToken(fingerprint: string): string {
  return `SWMTKN-1-${fingerprint}-${base36(randomBytes(16), 25)}`;
}

export function parseJoinToken(token: string): ParsedToken | undefined {
  const m = TOKEN_RE.exec(token.trim());
  return m ? { fingerprint: m[1], secret: m[2] } : undefined;
}

/** Constant-time comparison of two tokens (lengths are fixed by the format). */
export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

/** A node's credential: derived from the cluster's node key and its id, so nothing per node is stored. */
export function nodeSecret(nodeKey: string, nodeId: string): string {
  return createHmac('sha256', nodeKey).update(nodeId).digest('hex');
}
