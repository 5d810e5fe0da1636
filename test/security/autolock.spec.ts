import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HOST, REDIS_URL } from '../support/env';
import { freePort } from '../support/ports';
import { purgeService } from '../support/docker';
import { dockerCli } from '../support/docker-cli';
import { ManagerProcess } from '../support/manager';
import { flotilla } from '../support/cli';
import { DiskStorage, RecordCipher, unwrapDataKey } from '@flotilla/raft';
import { parseUnlockKey } from '@flotilla/contracts';

/** What a real Docker 20.10 swarm answered (recorded on a private netns host). */
const rec = JSON.parse(readFileSync(join(__dirname, '../docker-cli/recorded/autolock.docker.json'), 'utf8'));

const svc = `autolock${process.pid}`;
const VALUE = `autolock-secret-${process.pid}-${Date.now()}`;
const KEY_RE = /SWMKEY-1-[A-Za-z0-9+/]{43}/;

/** Files under `dir` whose bytes contain `needle` (grep -r, binary files too). */
function filesContaining(dir: string, needle: string): string[] {
  try {
    return execFileSync('grep', ['-rlaF', needle, dir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // grep exits 1 when nothing matches
  }
}

describe('encrypted Raft state and autolock (one manager, the stock docker CLI)', () => {
  let m: ManagerProcess;
  /** Every run's output, to check no key or secret value was ever logged. */
  let logs = '';
  const keys: string[] = [];
  const d = (args: string[], input?: string) => dockerCli(m.host, args, { input });
  const restart = async (until: string) => {
    await m.stop();
    logs += m.log;
    await m.start(until);
  };

  beforeAll(async () => {
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    logs += m?.log ?? '';
    if (m && !m.log.includes('manager locked')) await d(['service', 'rm', svc]);
    await m?.destroy();
    await purgeService(svc);
  });

  it('keeps a secret value out of the data dir (WAL and snapshots are sealed)', async () => {
    const s = await d(['secret', 'create', `${svc}s`, '-'], VALUE);
    expect(s.code, s.out).toBe(0);
    const c = await d(['service', 'create', '--detach', '--replicas', '0', '--name', svc, '--secret', `${svc}s`, 'flotilla/busybox:latest', 'sleep', '600']);
    expect(c.code, c.out).toBe(0);
    // The needle itself is findable when present (a test that cannot fail is a defect).
    expect(filesContaining(join(__dirname), 'autolock-secret-')).not.toEqual([]);
    expect(filesContaining(m.dataDir, VALUE)).toEqual([]);
    expect(filesContaining(m.dataDir, Buffer.from(VALUE).toString('base64'))).toEqual([]);
    expect(filesContaining(m.dataDir, svc)).toEqual([]);
  });

  /** raft-key.json before autolock: its KEK in the clear, as anyone who copied the data dir then has it. */
  let keyFileBefore: { dek: string; kek: string };

  it('has no unlock key until autolock is turned on, as Docker', async () => {
    keyFileBefore = JSON.parse(readFileSync(join(m.dataDir, 'raft-key.json'), 'utf8'));
    expect(keyFileBefore.kek).toBeTruthy();
    const r = await d(['swarm', 'unlock-key']);
    expect({ exit: r.code, out: r.out }).toEqual({ exit: rec.unlockKeyWhenOff.exit, out: rec.unlockKeyWhenOff.out });
    const rot = await d(['swarm', 'unlock-key', '--rotate']);
    expect({ exit: rot.code, out: rot.out }).toEqual(rec.rotateWhenOff);
  });

  it('swarm update --autolock=true prints the key, unlock-key -q gives it, info says so', async () => {
    const r = await d(['swarm', 'update', '--autolock=true']);
    expect(r.code, r.out).toBe(0);
    expect(r.out.startsWith(rec.updateAutolockTrue.head)).toBe(true);
    const key = KEY_RE.exec(r.out)![0];
    keys.push(key);
    expect(r.out).toBe(rec.initAutolockTail.replace(KEY_RE, key).replace(/^/, 'Swarm updated.\n'));
    expect((await d(['swarm', 'unlock-key', '-q'])).out).toBe(`${key}\n`);
    expect((await d(['info'])).out).toContain(rec.dockerInfoActive);
    const again = await d(['swarm', 'update', '--autolock=true']);
    expect({ exit: again.code, out: again.out }).toEqual(rec.updateAutolockTrueAgain);
    const unlock = await d(['swarm', 'unlock'], `${key}\n`);
    expect({ exit: unlock.code, out: unlock.out }).toEqual(rec.unlockWhileUnlocked);
    const api = await fetch(`http://${m.host}/v1.41/swarm/unlock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ UnlockKey: key }) });
    expect({ status: api.status, body: await api.json() }).toEqual(rec.unlockApiWhileUnlocked);
  });

  it('turning autolock on replaced the data key: the old key opens nothing written after, the new ring opens all', async () => {
    expect((await d(['secret', 'create', `${svc}late`, '-'], 'after-autolock')).code).toBe(0);
    const copy = mkdtempSync(join(tmpdir(), 'autolock-raft-'));
    try {
      cpSync(join(m.dataDir, 'raft'), copy, { recursive: true });
      const old = new RecordCipher(unwrapDataKey(keyFileBefore.dek, Buffer.from(keyFileBefore.kek, 'base64')));
      expect(() => new DiskStorage(copy, { cipher: old, fsync: false })).toThrow(/fails authentication/);
      const now = JSON.parse(readFileSync(join(m.dataDir, 'raft-key.json'), 'utf8')) as { dek: string; kek?: string; older: string[] };
      expect(now.kek).toBeUndefined();
      const kek = parseUnlockKey(keys[0])!;
      const ring = new RecordCipher(unwrapDataKey(now.dek, kek), now.older.map((w) => unwrapDataKey(w, kek)));
      new DiskStorage(copy, { cipher: ring, fsync: false }).close();
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('a restarted manager is locked: it says so, serves nothing, and refuses wrong keys with Docker\'s words', async () => {
    await restart('manager locked');
    expect(m.log).toContain('waiting for docker swarm unlock');
    const ls = await d(['service', 'ls']);
    expect({ exit: ls.code, out: ls.out }).toEqual(rec.locked.serviceLs);
    const uk = await d(['swarm', 'unlock-key']);
    expect({ exit: uk.code, out: uk.out }).toEqual(rec.locked.unlockKeyCli);
    expect((await d(['info'])).out).toContain(rec.locked.dockerInfo);
    const wrong = await d(['swarm', 'unlock'], 'SWMKEY-1-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n');
    expect({ exit: wrong.code, out: wrong.out }).toEqual({ exit: rec.locked.unlockWrongKey.exit, out: rec.locked.unlockWrongKey.out });
    const garbage = await d(['swarm', 'unlock'], 'garbage\n');
    expect({ exit: garbage.code, out: garbage.out }).toEqual({ exit: rec.locked.unlockNotAKey.exit, out: rec.locked.unlockNotAKey.out });
    // Still locked after wrong keys.
    expect((await d(['service', 'ls'])).out).toBe(rec.locked.serviceLs.out);
  });

  it('swarm unlock with the key brings the state back', async () => {
    const r = await d(['swarm', 'unlock'], `${keys[0]}\n`);
    expect({ exit: r.code, out: r.out }).toEqual(rec.locked.unlockRightKey);
    await m.waitForLog('manager ready');
    const ls = await d(['service', 'ls', '--format', '{{.Name}} {{.Mode}} {{.Replicas}}']);
    expect(ls.out).toContain(`${svc} replicated 0/0`);
    expect((await d(['secret', 'ls', '--format', '{{.Name}}'])).out).toContain(`${svc}s`);
  });

  it('unlock-key --rotate: the new key unlocks, the old one no longer does', async () => {
    const r = await d(['swarm', 'unlock-key', '--rotate']);
    expect(r.code, r.out).toBe(0);
    expect(r.out.startsWith(rec.rotate.head)).toBe(true);
    const key = KEY_RE.exec(r.out)![0];
    expect(key).not.toBe(keys[0]);
    keys.push(key);
    await restart('manager locked');
    const old = await d(['swarm', 'unlock'], `${keys[0]}\n`);
    expect({ exit: old.code, out: old.out }).toEqual(rec.rotateThenRestart.oldKey);
    expect((await d(['swarm', 'unlock'], `${key}\n`)).code).toBe(0);
    await m.waitForLog('manager ready');
    expect((await d(['service', 'ls', '-q'])).code).toBe(0);
  });

  it('swarm update --autolock=false: no key any more, and a restart needs none', async () => {
    const r = await d(['swarm', 'update', '--autolock=false']);
    expect({ exit: r.code, out: r.out }).toEqual(rec.updateAutolockFalse);
    const uk = await d(['swarm', 'unlock-key']);
    expect({ exit: uk.code, out: uk.out }).toEqual({ exit: 1, out: rec.unlockKeyWhenOff.out });
    await restart('manager ready');
    expect((await d(['secret', 'ls', '--format', '{{.Name}}'])).out).toContain(`${svc}s`);
  });

  it('never wrote a key or the secret value to a log or, in the clear, to the data dir', () => {
    const all = logs + m.log;
    expect(all).toContain('manager ready');
    for (const k of keys) {
      expect(all).not.toContain(k);
      expect(filesContaining(m.dataDir, k)).toEqual([]);
      expect(filesContaining(m.dataDir, k.slice(9))).toEqual([]);
    }
    expect(all).not.toContain(VALUE);
    expect(filesContaining(m.dataDir, VALUE)).toEqual([]);
  });
});

describe("autolock with flotilla's own CLI", () => {
  let m: ManagerProcess;
  const f = (args: string[], input?: string) => flotilla(args, m.cliEnv, { input });
  let key = '';

  beforeAll(async () => {
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await m?.destroy();
  });

  it('swarm unlock-key / update --autolock=true / unlock while unlocked, as docker prints them', async () => {
    expect(await f(['swarm', 'unlock-key'])).toMatchObject({ code: 1, stderr: rec.unlockKeyWhenOff.out });
    expect(await f(['swarm', 'unlock-key', '--rotate'])).toMatchObject({ code: 1, stderr: rec.rotateWhenOff.out });
    const up = await f(['swarm', 'update', '--autolock=true']);
    expect(up.code, up.stderr).toBe(0);
    key = KEY_RE.exec(up.stdout)![0];
    expect(up.stdout).toBe(`Swarm updated.\n${rec.initAutolockTail.replace(KEY_RE, key).replace('`docker swarm unlock`', '`flotilla swarm unlock`')}`);
    expect((await f(['swarm', 'unlock-key', '-q'])).stdout).toBe(`${key}\n`);
    expect(await f(['swarm', 'unlock'], `${key}\n`)).toMatchObject({ code: 1, stderr: rec.unlockWhileUnlocked.out });
  });

  it('swarm unlock on a restarted (locked) manager: a wrong key refused, the right one accepted', async () => {
    await m.stop();
    await m.start('manager locked');
    expect(await f(['swarm', 'unlock'], 'SWMKEY-1-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n')).toMatchObject({ code: 1, stderr: rec.locked.unlockWrongKey.out });
    expect(await f(['swarm', 'unlock-key'])).toMatchObject({ code: 1, stderr: rec.locked.unlockKeyCli.out });
    expect(await f(['swarm', 'unlock'], `${key}\n`)).toMatchObject({ code: 0, stdout: '', stderr: '' });
    await m.waitForLog('manager ready');
  });

  it('swarm unlock-key --rotate -q, then update --autolock=false', async () => {
    const rot = await f(['swarm', 'unlock-key', '--rotate', '-q']);
    expect(rot.code, rot.stderr).toBe(0);
    expect(rot.stdout).toMatch(/^SWMKEY-1-[A-Za-z0-9+/]{43}\n$/);
    expect(rot.stdout).not.toBe(`${key}\n`);
    expect(await f(['swarm', 'update', '--autolock=false'])).toMatchObject({ code: 0, stdout: rec.updateAutolockFalse.out });
    expect(await f(['swarm', 'unlock-key'])).toMatchObject({ code: 1, stderr: rec.unlockKeyWhenOff.out });
  });
});

describe('flotilla swarm init --autolock', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-al-init-'));
    env = { FLOTILLA_HOST: `127.0.0.1:${await freePort()}`, DOCKER_HOST, REDIS_URL };
  });
  afterAll(async () => {
    await flotilla(['swarm', 'leave', '--force', '--data-dir', dir], env);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the unlock key after the join command, and the manager\'s data key is already wrapped by it', async () => {
    const init = await flotilla(['swarm', 'init', '--autolock', '--listen-addr', env.FLOTILLA_HOST, '--data-dir', dir], env);
    expect(init.code, init.stderr).toBe(0);
    const key = KEY_RE.exec(init.stdout)![0];
    expect(init.stdout).toContain("To add a manager to this swarm, run 'flotilla swarm join-token manager' and follow the instructions.\n\n");
    expect(init.stdout.endsWith(rec.initAutolockTail.replace(KEY_RE, key).replace('`docker swarm unlock`', '`flotilla swarm unlock`'))).toBe(true);
    expect((await flotilla(['swarm', 'unlock-key', '-q'], env)).stdout).toBe(`${key}\n`);
    // No key-encryption key left next to the data key: a restart needs the unlock key.
    // (`older`: the data key of the first instants, before autolock applied, which was replaced; wrapped too.)
    const file = JSON.parse(readFileSync(join(dir, 'raft-key.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(file).filter((k) => k !== 'older')).toEqual(['dek']);
  });
});
