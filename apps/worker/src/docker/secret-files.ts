import { chmod, chown, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';
import type { Config, Mount, Secret, Task } from '@flotilla/contracts';
import type { ContainerCreateBody } from './container-config';

/** One file a task's container sees read-only: a secret or config payload and where it appears. */
export interface SecretFile {
  /** Host path, under the worker's data dir (one root-only directory per task). */
  source: string;
  /** Path inside the container. */
  target: string;
  data: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

export interface SecretPlan {
  files: SecretFile[];
  /** Names referenced by the task whose data this node was not given. */
  missing: string[];
}

const DEFAULT_MODE = 0o444;

/**
 * Pure: the files a task needs, as Docker lays them out. A secret's relative
 * File.Name lands under /run/secrets, a config's under /; an absolute one is
 * used as given. Never on the image layer: each is bind-mounted read-only.
 */
export function planSecretFiles(
  task: Task,
  secrets: ReadonlyMap<string, Secret>,
  configs: ReadonlyMap<string, Config>,
  root: string,
): SecretPlan {
  const dir = join(root, task.ID);
  const files: SecretFile[] = [];
  const missing: string[] = [];
  const cs = task.Spec.ContainerSpec;
  const add = (kind: 's' | 'c', id: string, obj: Secret | undefined, name: string, file: { Name: string; UID?: string; GID?: string; Mode?: number }, base: string) => {
    if (!obj || obj.Spec.Data === undefined) {
      missing.push(name);
      return;
    }
    files.push({
      source: join(dir, `${kind}-${id}`),
      target: isAbsolute(file.Name) ? posix.normalize(file.Name) : posix.join(base, file.Name),
      data: Buffer.from(obj.Spec.Data, 'base64'),
      mode: (file.Mode ?? DEFAULT_MODE) & 0o777,
      uid: toId(file.UID),
      gid: toId(file.GID),
    });
  };
  for (const r of cs.Secrets ?? []) add('s', r.SecretID, secrets.get(r.SecretID), r.SecretName, r.File ?? { Name: r.SecretName }, '/run/secrets');
  for (const r of cs.Configs ?? []) {
    if (r.Runtime) continue;
    add('c', r.ConfigID, configs.get(r.ConfigID), r.ConfigName, r.File ?? { Name: r.ConfigName }, '/');
  }
  return { files, missing };
}

/** Pure: the read-only binds that show the files in the container. */
export function secretMounts(files: readonly SecretFile[]): Mount[] {
  return files.map((f) => ({ Type: 'bind', Source: f.source, Target: f.target, ReadOnly: true }));
}

/** Adds the binds to a create body built by containerConfig (kept apart from it on purpose). */
export function addSecretMounts(body: ContainerCreateBody, files: readonly SecretFile[]): void {
  if (!files.length) return;
  body.HostConfig.Mounts = [...(body.HostConfig.Mounts ?? []), ...secretMounts(files)];
}

/**
 * Writes a task's files: the directories are root-only (0700), each file gets
 * its own mode and owner, and is written aside then renamed so a container
 * never sees half a secret.
 */
export async function writeSecretFiles(root: string, taskId: string, files: readonly SecretFile[]): Promise<void> {
  if (!files.length) return;
  await mkdir(root, { recursive: true, mode: 0o700 });
  await chmod(root, 0o700);
  const dir = join(root, taskId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const f of files) {
    const tmp = `${f.source}.tmp`;
    await writeFile(tmp, f.data, { mode: 0o600 });
    await chown(tmp, f.uid, f.gid);
    await chmod(tmp, f.mode);
    await rename(tmp, f.source);
  }
}

/** Removes one task's files (its container is gone). */
export async function removeSecretFiles(root: string, taskId: string): Promise<void> {
  await rm(join(root, taskId), { recursive: true, force: true });
}

/** Removes the files of every task not in `keep` (a restart or a lost stop leaves no secret behind). */
export async function sweepSecretFiles(root: string, keep: ReadonlySet<string>): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return;
  }
  for (const e of entries) if (!keep.has(e)) await rm(join(root, e), { recursive: true, force: true });
}

function toId(v: string | undefined): number {
  const n = v === undefined || v === '' ? 0 : Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}
