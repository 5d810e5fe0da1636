import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlotillaError, type Service } from '@flotilla/contracts';
import { put } from '@flotilla/state';
import { MemoryHub } from '@flotilla/raft-host';
import { NO_LEADER, RaftStore } from './raft-store';

const at = '2026-01-01T00:00:00.000Z';
const service = (id: string, name: string): Service => ({
  ID: id,
  Version: { Index: 0 },
  CreatedAt: at,
  UpdatedAt: at,
  Spec: { Name: name, TaskTemplate: { ContainerSpec: { Image: 'x' } }, Mode: { Replicated: { Replicas: 1 } } },
  Endpoint: { Spec: {} },
});

const stores: RaftStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.stop().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function until(pred: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function cluster(ids: string[], hub: MemoryHub): RaftStore[] {
  const base = mkdtempSync(join(tmpdir(), 'raft-store-'));
  dirs.push(base);
  const boot = Object.fromEntries(ids.map((x) => [x, `${x}:2377`]));
  return ids.map((id) => {
    const s = new RaftStore({ id, dir: join(base, id), transport: hub.connect(id), bootstrap: boot, peersFile: join(base, `${id}.peers.json`), tickMs: 10, fsync: false });
    s.start();
    stores.push(s);
    return s;
  });
}

describe('RaftStore', () => {
  it('a batch proposed on a follower is applied on every manager; a rejected batch rejects with its error, everywhere the same', async () => {
    const hub = new MemoryHub();
    const ss = cluster(['a', 'b', 'c'], hub);
    await until(() => ss.some((s) => s.isWritable()));
    const leader = ss.find((s) => s.isWritable())!;
    const follower = ss.find((s) => !s.isWritable())!;
    await until(() => follower.leaderId() !== null);
    expect(follower.leaderId()).toBe(leader.raft.status().id);
    expect(follower.addressOf(leader.raft.status().id)).toBe(`${leader.raft.status().id}:2377`);
    const seen: number[] = [];
    ss[0].watch((e) => seen.push(e.index));
    const idx = await follower.propose({ ops: [put('service', service('s1', 'web'), null)] });
    // The caller reads its own write where it wrote.
    expect(follower.view().services.get('s1')?.Version.Index).toBe(idx);
    await until(() => ss.every((s) => s.view().services.has('s1')));
    // Same name again: the state machine refuses, and the caller gets that refusal.
    await expect(leader.propose({ ops: [put('service', service('s2', 'web'), null)] })).rejects.toMatchObject({ code: 'conflict' });
    await until(() => ss.every((s) => s.view().index === leader.view().index));
    expect(ss.every((s) => !s.view().services.has('s2'))).toBe(true);
    expect(seen).toContain(idx);
  });

  it('without a majority a write fails with Docker\'s no-leader error, and leadership changes are announced', async () => {
    const hub = new MemoryHub();
    const ss = cluster(['a', 'b', 'c'], hub);
    await until(() => ss.some((s) => s.isWritable()));
    const leader = ss.find((s) => s.isWritable())!;
    const lid = leader.raft.status().id;
    const changes: boolean[] = [];
    leader.onLeaderChange((l) => changes.push(l));
    // Cut the leader off: it steps down (check quorum), and alone it can elect no one.
    for (const o of ['a', 'b', 'c']) if (o !== lid) hub.cut.add(`${lid}->${o}`).add(`${o}->${lid}`);
    await until(() => !leader.isWritable(), 5000);
    const err = await leader.propose({ ops: [put('service', service('s3', 'db'), null)] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlotillaError);
    expect((err as FlotillaError).code).toBe('unavailable');
    expect((err as FlotillaError).message).toContain(NO_LEADER);
    await until(() => changes.includes(false));
    hub.cut.clear();
    await until(() => ss.some((s) => s.isWritable()), 5000);
  });
});
