import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { docker, eventually, purgeService } from '../support/docker';
import { dockerCli } from '../support/docker-cli';
import { ManagerProcess } from '../support/manager';

const svc = `sectmp${process.pid}`;
const VALUE = `tmpfs-only-${process.pid}-${Date.now()}`;

/** Whether /proc/self/mountinfo has a tmpfs mounted exactly at `dir`. */
const tmpfsAt = (dir: string) =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[4] === dir && l.split(' - ')[1]?.startsWith('tmpfs '));

/** Files under `dir` whose bytes contain `needle` (grep -r, binary files too). */
function filesContaining(dir: string, needle: string): string[] {
  try {
    return execFileSync('grep', ['-rlaF', needle, dir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // grep exits 1 when nothing matches
  }
}

describe('secrets on tmpfs, never on disk', () => {
  let m: ManagerProcess;
  let cwd: string;
  const d = (...args: string[]) => dockerCli(m.host, args, { cwd });

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'flotilla-sectmp-'));
    writeFileSync(join(cwd, 'value.txt'), VALUE);
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await d('service', 'rm', svc);
    await m?.destroy();
    await purgeService(svc);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('the file has the spec’s uid, gid and mode, lives on a tmpfs of the node, and goes with the task', async () => {
    expect((await d('secret', 'create', `${svc}s`, 'value.txt')).code).toBe(0);
    const c = await d('service', 'create', '--detach', '--name', svc, '--secret', `source=${svc}s,target=app.key,uid=1000,gid=1001,mode=0400`,
      'flotilla/busybox:latest', 'sh', '-c', 'stat -c "%u %g %a" /run/secrets/app.key; sleep 600');
    expect(c.code, c.out).toBe(0);
    const id = await eventually(async () => {
      const [x] = await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`] } });
      if (!x) return undefined;
      const logs = (await docker.getContainer(x.Id).logs({ stdout: true, stderr: true })).toString('latin1');
      return /1000 1001 400/.test(logs) ? x.Id : undefined;
    }, 'the task up with its secret', 60_000);

    const info = await docker.getContainer(id).inspect();
    const bind = info.Mounts.find((x) => x.Destination === '/run/secrets/app.key')!;
    expect(bind.RW).toBe(false);
    // …/secrets/<node>/<task>/s-<id>: the node's dir is a tmpfs mount.
    const nodeDir = dirname(dirname(bind.Source));
    expect(nodeDir).toMatch(/^\/run\/flotilla\/secrets\/[a-z0-9]+$/);
    expect(tmpfsAt(nodeDir)).toBe(true);
    expect(readFileSync(bind.Source, 'utf8')).toBe(VALUE);
    // Not in flotilla's state dir (Raft log included: the manager stores it, as Docker's does) outside
    // the Raft files, nor in the engine's files for the container.
    expect(filesContaining(join(m.dataDir, 'worker'), VALUE)).toEqual([]);
    expect(filesContaining(`/var/lib/docker/containers/${id}`, VALUE)).toEqual([]);

    expect((await d('service', 'rm', svc)).code).toBe(0);
    await eventually(async () => !existsSync(bind.Source), 'the secret file removed with its task', 30_000);
    await eventually(async () => !tmpfsAt(nodeDir), 'the idle tmpfs unmounted', 30_000);
  });
});
