import type { LoggerService } from '@nestjs/common';
import type { StateStore } from '@flotilla/state';
import type { DataKey } from '../cluster/data-key';

/**
 * Keeps this manager's data key wrapped by whatever the replicated cluster
 * object says: its unlock key when autolock is on (after a rotation, the new
 * one), a local KEK when it is off. Runs inside the apply of the change, so by
 * the time `swarm update` answers, this manager's key file already follows it.
 */
export function followUnlockKey(store: StateStore, key: DataKey, logger: LoggerService): () => void {
  const sync = () => {
    const cluster = store.view().cluster;
    if (!cluster) return;
    const want = cluster.UnlockKey || null;
    if (want === key.unlockKey) return;
    // Autolock turning on replaces the data key; a rotated unlock key or autolock off only re-wraps it.
    const turningOn = want !== null && key.unlockKey === null;
    if (turningOn) key.replace(want);
    else key.rewrap(want);
    const msg = turningOn ? 'autolock on: a new data key, wrapped by the cluster unlock key' : want ? 'data key wrapped by the rotated unlock key' : 'data key wrapped by a local key (autolock off)';
    logger.log({ msg }, 'Autolock');
  };
  sync();
  return store.watch((e) => {
    if (e.changes.length === 0 || e.changes.some((c) => c.kind === 'cluster')) sync();
  });
}
