import { newUnlockKey, type Cluster } from '@flotilla/contracts';

export interface AutolockChange {
  AutoLockManagers: boolean;
  /** The cluster's unlock key after the update (undefined: autolock off). */
  UnlockKey?: string;
}

/**
 * `swarm update` on autolock: turning it on makes a key, turning it off drops
 * it (every manager then re-wraps its data key with a local KEK), and
 * `rotateManagerUnlockKey` replaces it only while autolock is on (the docker
 * CLI refuses to ask otherwise). Keys come from `makeKey` so this stays pure.
 */
export function autolockChange(c: Cluster, requested: boolean | undefined, rotate: boolean, makeKey: () => string = newUnlockKey): AutolockChange {
  const on = requested ?? c.Spec.EncryptionConfig?.AutoLockManagers ?? false;
  if (!on) return { AutoLockManagers: false };
  const keep = c.UnlockKey && !rotate;
  return { AutoLockManagers: true, UnlockKey: keep ? c.UnlockKey : makeKey() };
}
