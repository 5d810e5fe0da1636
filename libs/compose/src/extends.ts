import { resolve } from 'node:path';
import type { Problems } from './errors';
import { locateIn, type ComposeFile } from './compose-file';
import { mergeService, type Raw } from './merge';
import { absolutizeService } from './paths';

/** The services an `extends` can reach in one file, with where they are. */
export interface ServiceSource {
  file: ComposeFile;
  services: Raw;
}

export interface ExtendsContext {
  /** Loads (once) another file named by `extends.file`. */
  load(file: string): ComposeFile | undefined;
  problems: Problems;
  home: string | undefined;
}

const sig = (file: string, name: string) => `${name} in ${file}`;

/**
 * Resolves `extends` for one service: the base (from the same services or
 * another file, itself resolved first), its relative paths made absolute
 * against its own file's directory, then the service merged onto it.
 * Cycles and bases that cannot be extended are problems.
 */
export function resolveExtends(name: string, raw: Raw, src: ServiceSource, ctx: ExtendsContext, seen: string[] = []): Raw | undefined {
  const here = sig(src.file.file, name);
  if (seen.includes(here)) {
    const chain = [...seen.slice(seen.indexOf(here)), here].join(' extends ');
    ctx.problems.add(src.file.file, locateIn(src.file, ['services', name, 'extends']), `Circular reference: ${chain}`);
    return undefined;
  }
  if (raw.extends === undefined || raw.extends === null) return raw;
  const ext = (typeof raw.extends === 'string' ? { service: raw.extends } : raw.extends) as Raw;
  const baseName = String(ext.service);
  const baseFile = typeof ext.file === 'string' ? resolve(src.file.dir, ext.file) : src.file.file;
  let baseSrc: ServiceSource = src;
  if (baseFile !== src.file.file) {
    const f = ctx.load(baseFile);
    if (!f) {
      ctx.problems.add(src.file.file, locateIn(src.file, ['services', name, 'extends']), `Cannot extend service '${name}': cannot read ${baseFile}`);
      return undefined;
    }
    baseSrc = { file: f, services: f.services };
  }
  const baseRaw = baseSrc.services[baseName];
  if (!baseRaw || typeof baseRaw !== 'object') {
    ctx.problems.add(src.file.file, locateIn(src.file, ['services', name, 'extends']), `Cannot extend service '${baseName}' in ${baseFile}: Service not found`);
    return undefined;
  }
  const base = resolveExtends(baseName, baseRaw as Raw, baseSrc, ctx, [...seen, here]);
  if (!base) return undefined;
  const abs = absolutizeService(base, baseSrc.file.dir, ctx.home);
  const bad = notExtendable(abs);
  if (bad) {
    ctx.problems.add(baseSrc.file.file, locateIn(baseSrc.file, ['services', baseName, bad.key]), `Cannot extend service '${baseName}' in ${baseFile}: ${bad.why}`);
    return undefined;
  }
  const { extends: _drop, ...own } = raw;
  const { extends: _dropBase, ...baseOwn } = abs;
  return mergeService(baseOwn, own, src.file.format.kind === 'v1');
}

/** docker-compose 1.29 refuses to extend services that point at other services. */
function notExtendable(s: Raw): { key: string; why: string } | undefined {
  if (s.links !== undefined) return { key: 'links', why: "services with 'links' cannot be extended" };
  if (s.volumes_from !== undefined) return { key: 'volumes_from', why: "services with 'volumes_from' cannot be extended" };
  if (typeof s.net === 'string' && s.net.startsWith('container:')) return { key: 'net', why: "services with 'net: container' cannot be extended" };
  if (typeof s.network_mode === 'string' && s.network_mode.startsWith('service:')) {
    return { key: 'network_mode', why: "services with 'network_mode: service' cannot be extended" };
  }
  if (s.depends_on !== undefined) return { key: 'depends_on', why: "services with 'depends_on' cannot be extended" };
  return undefined;
}
