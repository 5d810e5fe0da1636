import { describe, expect, it } from 'vitest';
import type { Cluster } from '@flotilla/contracts';
import { autolockChange } from './autolock-update';

const cluster = (on: boolean, key?: string): Cluster =>
  ({
    ID: 'c',
    Version: { Index: 1 },
    CreatedAt: '',
    UpdatedAt: '',
    Spec: { Name: 'default', Orchestration: { TaskHistoryRetentionLimit: 5 }, Raft: { SnapshotInterval: 1, ElectionTick: 1, HeartbeatTick: 1 }, Dispatcher: { HeartbeatPeriod: 1 }, EncryptionConfig: { AutoLockManagers: on } },
    JoinTokens: { Worker: 'w', Manager: 'm' },
    UnlockKey: key,
  }) as Cluster;

describe('autolockChange', () => {
  it.each([
    ['off, turned on: a new key', cluster(false), true, false, { AutoLockManagers: true, UnlockKey: 'NEW' }],
    ['off, left alone', cluster(false), undefined, false, { AutoLockManagers: false }],
    ['off, asked off again', cluster(false), false, false, { AutoLockManagers: false }],
    ['off, rotation asked: nothing to rotate', cluster(false), undefined, true, { AutoLockManagers: false }],
    ['on, asked on again: same key', cluster(true, 'OLD'), true, false, { AutoLockManagers: true, UnlockKey: 'OLD' }],
    ['on, spec without EncryptionConfig: same key', cluster(true, 'OLD'), undefined, false, { AutoLockManagers: true, UnlockKey: 'OLD' }],
    ['on, rotated: a new key', cluster(true, 'OLD'), undefined, true, { AutoLockManagers: true, UnlockKey: 'NEW' }],
    ['on, turned off: the key goes', cluster(true, 'OLD'), false, false, { AutoLockManagers: false }],
    ['on, turned off while rotating: off wins', cluster(true, 'OLD'), false, true, { AutoLockManagers: false }],
  ] as const)('%s', (_n, c, requested, rotate, want) => {
    expect(autolockChange(c, requested, rotate, () => 'NEW')).toEqual(want);
  });
});
