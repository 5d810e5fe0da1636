import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ComposeError } from './errors';
import type { Env } from './interpolate';

export const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDES: Record<string, string[]> = {
  'compose.yaml': ['compose.override.yaml', 'compose.override.yml'],
  'compose.yml': ['compose.override.yml', 'compose.override.yaml'],
  'docker-compose.yml': ['docker-compose.override.yml', 'docker-compose.override.yaml'],
  'docker-compose.yaml': ['docker-compose.override.yaml', 'docker-compose.override.yml'],
};

/**
 * The compose files of a project: `-f` files, else COMPOSE_FILE (split on
 * COMPOSE_PATH_SEPARATOR, default ':'), else the first default file found in
 * `cwd` or a parent, with its override file next to it.
 */
export function resolveFiles(files: string[] | undefined, env: Env, cwd: string): string[] {
  if (files?.length) {
    const out = files.map((f) => resolve(cwd, f));
    const missing = out.filter((f) => !existsSync(f));
    if (missing.length) throw new ComposeError(missing.map((f) => ({ file: f, message: 'no such file or directory' })));
    return out;
  }
  if (env.COMPOSE_FILE) {
    const sep = env.COMPOSE_PATH_SEPARATOR || ':';
    return resolveFiles(env.COMPOSE_FILE.split(sep).filter(Boolean), {}, cwd);
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    const name = DEFAULT_FILES.find((f) => existsSync(resolve(dir, f)));
    if (name) {
      const override = OVERRIDES[name].map((f) => resolve(dir, f)).find(existsSync);
      return override ? [resolve(dir, name), override] : [resolve(dir, name)];
    }
    if (dirname(dir) === dir) break;
  }
  throw new ComposeError([
    {
      file: cwd,
      message: `Can't find a suitable configuration file in this directory or any parent. Are you in the right directory? Supported filenames: ${DEFAULT_FILES.join(', ')}`,
    },
  ]);
}

/** docker-compose's project name rule: lower-cased, only a-z 0-9 _ - kept. */
export function sanitizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[^-_a-z0-9]/g, '');
}
