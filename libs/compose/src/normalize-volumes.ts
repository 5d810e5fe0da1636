import { isAbsolute, posix, resolve } from 'node:path';
import type { MountDef } from './model';
import { parseSize } from './units';

const PROPAGATION = new Set(['shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate']);
const CONSISTENCY = new Set(['consistent', 'cached', 'delegated']);

/**
 * "src:dst:mode" split into its parts (a single part is an anonymous volume's target). Split at every colon,
 * as 1.29 does on Linux: `d:/data` is the volume `d`, not a Windows drive.
 */
export function splitVolumeSpec(s: string): { source?: string; target?: string; mode?: string } {
  const parts = s.split(':');
  if (parts.length === 1) return { target: parts[0] };
  if (parts.length === 2) return { source: parts[0], target: parts[1] };
  return { source: parts[0], target: parts[1], mode: parts.slice(2).join(':') };
}

/** A bind source as docker-compose resolves it: `~` is HOME, relative is against the project (or extended file's) dir. */
export function resolveHostPath(p: string, baseDir: string, home: string | undefined): string {
  if (p === '~' || p.startsWith('~/')) p = (home ?? '/root') + p.slice(1);
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

const isPathLike = (s: string) => s.startsWith('.') || s.startsWith('/') || s.startsWith('~');

/**
 * A bind mount's source as 1.29 resolves it: `~` and `.`-relative paths against the project (or extended
 * file's) dir; anything else as written (a long-syntax `source: C:\\x` stays so, and Docker refuses it at deploy).
 */
export function resolveBindSource(p: string, baseDir: string, home: string | undefined): string {
  return p === '~' || p.startsWith('~/') || p.startsWith('.') ? resolveHostPath(p, baseDir, home) : p;
}

/** Container paths as Docker keeps them: normalised, no trailing slash. */
export function cleanTarget(t: string): string {
  const n = posix.normalize(t);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** One `volumes:` entry of a service to its long form; a string on error. Relative paths must already be resolved. */
export function parseServiceVolume(item: unknown, baseDir: string, home: string | undefined): MountDef | string {
  if (item && typeof item === 'object' && !Array.isArray(item)) {
    const o = item as Record<string, unknown>;
    const type = String(o.type ?? 'volume');
    if (!['volume', 'bind', 'tmpfs', 'npipe', 'cluster'].includes(type)) return `invalid mount type "${type}": it should be volume, bind or tmpfs`;
    if (type === 'npipe' || type === 'cluster') return `mount type "${type}" is not supported on Linux swarm nodes`;
    if (typeof o.target !== 'string' || !o.target) return 'a mount needs a target (the path in the container)';
    const m: MountDef = { type: type as MountDef['type'], target: cleanTarget(o.target) };
    if (o.source !== undefined && o.source !== null && o.source !== '') {
      if (type === 'tmpfs') return 'a tmpfs mount takes no source';
      m.source = type === 'bind' ? resolveBindSource(String(o.source), baseDir, home) : String(o.source);
    } else if (type === 'bind') return 'a bind mount needs a source (the path on the host)';
    if (o.read_only) m.read_only = true;
    if (typeof o.consistency === 'string') m.consistency = o.consistency;
    const bind = o.bind as Record<string, unknown> | undefined;
    if (bind && (bind.propagation !== undefined || bind.selinux !== undefined || bind.create_host_path !== undefined)) {
      m.bind = {
        ...(bind.propagation !== undefined ? { propagation: String(bind.propagation) } : {}),
        ...(bind.selinux !== undefined ? { selinux: String(bind.selinux) } : {}),
        ...(bind.create_host_path !== undefined ? { create_host_path: Boolean(bind.create_host_path) } : {}),
      };
    }
    const vol = o.volume as Record<string, unknown> | undefined;
    if (vol?.nocopy !== undefined) m.volume = { nocopy: Boolean(vol.nocopy) };
    const tmp = o.tmpfs as Record<string, unknown> | undefined;
    if (tmp && (tmp.size !== undefined || tmp.mode !== undefined)) {
      m.tmpfs = {};
      if (tmp.size !== undefined) {
        try {
          m.tmpfs.size = parseSize(tmp.size);
        } catch {
          return `invalid tmpfs size ${JSON.stringify(tmp.size)}`;
        }
      }
      if (tmp.mode !== undefined) m.tmpfs.mode = Number(tmp.mode);
    }
    return m;
  }
  if (typeof item !== 'string') return `invalid volume ${JSON.stringify(item)}`;
  if (item.split(':').length > 3) return `Volume ${item} has incorrect format, should be external:internal[:mode]`;
  const { source, target, mode } = splitVolumeSpec(item);
  if (!target) return `invalid volume specification: '${item}'`;
  if (source === undefined) {
    if (!target.startsWith('/')) return `invalid volume specification: '${item}': the container path must be absolute`;
    return { type: 'volume', target: cleanTarget(target) };
  }
  if (!target.startsWith('/')) return `invalid volume specification: '${item}': the container path must be absolute`;
  const m: MountDef = isPathLike(source)
    ? { type: 'bind', source: resolveBindSource(source, baseDir, home), target: cleanTarget(target) }
    : { type: 'volume', source, target: cleanTarget(target) };
  if (m.type === 'volume' && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source)) {
    return `invalid volume specification: '${item}': "${source}" is neither a volume name nor a path (paths start with ".", "/" or "~")`;
  }
  for (const opt of (mode ?? '').split(',').filter(Boolean)) {
    if (opt === 'ro') m.read_only = true;
    else if (opt === 'rw') continue;
    else if (opt === 'z' || opt === 'Z') {
      if (m.type !== 'bind') return `invalid volume specification: '${item}': "${opt}" applies to bind mounts only`;
      m.bind = { ...m.bind, selinux: opt };
    } else if (PROPAGATION.has(opt)) {
      if (m.type !== 'bind') return `invalid volume specification: '${item}': "${opt}" applies to bind mounts only`;
      m.bind = { ...m.bind, propagation: opt };
    } else if (opt === 'nocopy') {
      if (m.type !== 'volume') return `invalid volume specification: '${item}': "nocopy" applies to named volumes only`;
      m.volume = { nocopy: true };
    } else if (CONSISTENCY.has(opt)) m.consistency = opt;
    else return `invalid volume specification: '${item}': unknown mode "${opt}"`;
  }
  return m;
}
