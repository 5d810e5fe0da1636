import { isAbsolute, resolve } from 'node:path';
import { resolveBindSource, resolveHostPath, splitVolumeSpec } from './normalize-volumes';
import type { Raw } from './merge';

const isUrl = (s: string) => /^(https?:\/\/|git@|git:\/\/|github\.com\/)/.test(s);
const isPathLike = (s: string) => s.startsWith('.') || s.startsWith('/') || s.startsWith('~') || /^[A-Za-z]:[\\/]/.test(s);

/**
 * Makes a raw service's relative paths absolute against `dir` (the project
 * directory, or the directory of the file an `extends` base comes from):
 * build context, env_file, bind-mount sources, extends.file.
 */
export function absolutizeService(raw: Raw, dir: string, home: string | undefined): Raw {
  const out: Raw = { ...raw };
  if (typeof out.build === 'string') out.build = isUrl(out.build) ? out.build : resolve(dir, out.build);
  else if (out.build && typeof out.build === 'object') {
    const b = { ...(out.build as Raw) };
    if (typeof b.context === 'string' && !isUrl(b.context)) b.context = resolve(dir, b.context);
    out.build = b;
  }
  if (out.env_file !== undefined) {
    const list = Array.isArray(out.env_file) ? out.env_file : [out.env_file];
    out.env_file = list.map((e) => {
      if (typeof e === 'string') return resolveHostPath(e, dir, home);
      if (e && typeof e === 'object' && typeof (e as Raw).path === 'string') return { ...(e as Raw), path: resolveHostPath((e as Raw).path as string, dir, home) };
      return e;
    });
  }
  if (Array.isArray(out.volumes)) {
    out.volumes = out.volumes.map((v) => {
      if (typeof v === 'string') {
        const { source, target, mode } = splitVolumeSpec(v);
        if (source === undefined || !isPathLike(source)) return v;
        return [resolveBindSource(source, dir, home), target, ...(mode !== undefined ? [mode] : [])].join(':');
      }
      if (v && typeof v === 'object' && (v as Raw).type === 'bind' && typeof (v as Raw).source === 'string') {
        return { ...(v as Raw), source: resolveBindSource((v as Raw).source as string, dir, home) };
      }
      return v;
    });
  }
  if (out.extends && typeof out.extends === 'object' && typeof (out.extends as Raw).file === 'string') {
    const f = (out.extends as Raw).file as string;
    out.extends = { ...(out.extends as Raw), file: isAbsolute(f) ? f : resolve(dir, f) };
  }
  return out;
}
