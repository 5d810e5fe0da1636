import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newUnlockKey, type Cluster } from '@flotilla/contracts';
import { MemoryStore, put } from '@flotilla/state';
import { DataKey } from '../cluster/data-key';
import { followUnlockKey } from './follow-unlock-key';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
const cluster = (version: number, unlockKey?: string): Cluster =>
  ({
    ID: 'c1',
    Version: { Index: version },
    CreatedAt: '',
    UpdatedAt: '',
    Spec: { Name: 'default', Orchestration: { TaskHistoryRetentionLimit: 5 }, Raft: { SnapshotInterval: 1, ElectionTick: 1, HeartbeatTick: 1 }, Dispatcher: { HeartbeatPeriod: 1 } },
    JoinTokens: { Worker: 'w', Manager: 'm' },
    ...(unlockKey ? { UnlockKey: unlockKey } : {}),
  }) as Cluster;

/** Opens the key file as a restarted manager would: ready, or locked and then unlocked with `key`. */
function reopen(dir: string, key?: string): 'ready' | 'unlocked' | 'refused' {
  const o = DataKey.open(dir);
  if ('key' in o) return 'ready';
  try {
    o.unlock(key ?? '');
    return 'unlocked';
  } catch {
    return 'refused';
  }
}

describe('followUnlockKey', () => {
  it('re-wraps the data key each time the replicated unlock key changes, before the change is acknowledged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'follow-'));
    dirs.push(dir);
    const opened = DataKey.open(dir);
    if (!('key' in opened)) throw new Error('locked');
    const store = new MemoryStore();
    followUnlockKey(store, opened.key, silent);

    await store.propose({ ops: [put('cluster', cluster(0), null)] });
    expect(reopen(dir)).toBe('ready');

    const k1 = newUnlockKey();
    await store.propose({ ops: [put('cluster', cluster(0, k1), store.view().cluster!.Version.Index)] });
    expect(reopen(dir)).toBe('refused');
    expect(reopen(dir, k1)).toBe('unlocked');

    const k2 = newUnlockKey();
    await store.propose({ ops: [put('cluster', cluster(0, k2), store.view().cluster!.Version.Index)] });
    expect(reopen(dir, k1)).toBe('refused');
    expect(reopen(dir, k2)).toBe('unlocked');

    await store.propose({ ops: [put('cluster', cluster(0), store.view().cluster!.Version.Index)] });
    expect(reopen(dir)).toBe('ready');
  });

  it('a manager that joins a cluster with autolock on wraps its new key with the cluster key at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'follow-'));
    dirs.push(dir);
    const k = newUnlockKey();
    const store = { view: () => ({ cluster: cluster(3, k) }), watch: () => () => undefined } as unknown as MemoryStore;
    const opened = DataKey.open(dir);
    if (!('key' in opened)) throw new Error('locked');
    followUnlockKey(store, opened.key, silent);
    expect(reopen(dir, k)).toBe('unlocked');
  });
});
