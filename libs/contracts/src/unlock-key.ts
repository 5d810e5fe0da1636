import { randomBytes } from 'node:crypto';

/**
 * Unlock keys shaped like Docker's: `SWMKEY-1-` and 32 random bytes in
 * unpadded base64. With autolock on, the key is the KEK every manager wraps its
 * Raft data key with; it lives in the (encrypted) replicated store and in
 * managers' memory, never in a file of its own.
 */
const KEY_RE = /^SWMKEY-1-([A-Za-z0-9+/]{43})$/;

/** dockerd's answer to any API call while its swarm is locked (503). */
export const SWARM_LOCKED_MESSAGE = 'Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.';
/** A well-formed key that does not open this manager's data key (401). */
export const WRONG_UNLOCK_KEY_MESSAGE = 'swarm could not be unlocked: invalid key provided';
/** Text that is not an unlock key at all (400). */
export const BAD_UNLOCK_KEY_MESSAGE = 'invalid key string';

export function newUnlockKey(): string {
  return `SWMKEY-1-${randomBytes(32).toString('base64').replace(/=+$/, '')}`;
}

/** The key's 32 bytes, or undefined when the text is not an unlock key. */
export function parseUnlockKey(text: string): Buffer | undefined {
  const m = KEY_RE.exec(text.trim());
  if (!m) return undefined;
  const bytes = Buffer.from(m[1], 'base64');
  return bytes.length === 32 ? bytes : undefined;
}
