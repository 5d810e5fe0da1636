import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FlotillaError } from '@flotilla/contracts';

const run = promisify(execFile);

/**
 * Where a node keeps its tasks' secret and config files: a tmpfs of its own under /run, never the
 * worker's data dir or the engine's data root, so a secret never reaches a disk (Swarm keeps them on
 * tmpfs too). One per node id: netns hosts on one machine share the mount namespace.
 */
export function secretsRoot(nodeId: string, base = '/run/flotilla/secrets'): string {
  if (!/^[a-z0-9]{1,64}$/.test(nodeId)) throw new FlotillaError('invalid_argument', `bad node id for the secrets dir: ${JSON.stringify(nodeId)}`);
  return join(base, nodeId);
}

/** Pure: whether /proc/self/mountinfo shows a tmpfs mounted exactly at `dir`. */
export function isTmpfsAt(mountinfo: string, dir: string): boolean {
  return mountinfo.split('\n').some((line) => {
    // "36 35 98:0 / /mnt/x rw,noatime master:1 - tmpfs tmpfs rw": field 5 is the mount point, after " - " the type.
    const [pre, post] = line.split(' - ');
    if (!post) return false;
    const mountPoint = pre.split(' ')[4]?.replace(/\\040/g, ' ');
    return mountPoint === dir && post.split(' ')[0] === 'tmpfs';
  });
}

// Writes and the unmount of an emptied dir take turns, so a file is never written beside an unmount.
const turns = new Map<string, Promise<unknown>>();
function inTurn<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const next = (turns.get(dir) ?? Promise.resolve()).then(fn, fn);
  turns.set(dir, next.catch(() => undefined));
  return next;
}

/** Runs `write` with a tmpfs mounted at `dir` (mounted first if need be). */
export function onTmpfs<T>(dir: string, write: () => Promise<T>): Promise<T> {
  return inTurn(dir, async () => {
    await ensureTmpfs(dir);
    return write();
  });
}

/** Mounts a root-only tmpfs at `dir` unless one is there (a restarted worker finds its own). */
async function ensureTmpfs(dir: string): Promise<void> {
  if (isTmpfsAt(await readFile('/proc/self/mountinfo', 'utf8'), dir)) return;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'mode=0700,size=64m,nosuid,nodev,noexec', 'tmpfs', dir]);
  } catch (e) {
    const why = ((e as { stderr?: string }).stderr || (e as Error).message).trim();
    throw new FlotillaError('unavailable', `secrets need a tmpfs at ${dir} and mounting one failed (${why}); the worker must run as root`);
  }
}

/** Unmounts the tmpfs at `dir` once no task has files there, so idle nodes leave no mounts behind. */
export function releaseTmpfsIfEmpty(dir: string): Promise<void> {
  return inTurn(dir, () => release(dir));
}

async function release(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  if (entries.length) return;
  if (!isTmpfsAt(await readFile('/proc/self/mountinfo', 'utf8'), dir)) return;
  await run('umount', [dir]).catch(() => undefined);
}
