import { resolve } from 'node:path';
import type { ConfigDef, NetworkDef, SecretDef, VolumeDef } from './model';
import { listOrDict, type Raw } from './merge';

const strMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(listOrDict(v)).map(([k, x]) => [k, x === null || x === undefined ? '' : String(x)]));

/** `external: true` or the old `external: {name: x}`; the real name is `name`, else the key. */
function external(o: Raw, key: string): { external?: boolean; name?: string } {
  const ext = o.external;
  if (ext && typeof ext === 'object') return { external: true, name: String((ext as Raw).name ?? o.name ?? key) };
  if (ext === true) return { external: true, name: String(o.name ?? key) };
  return {};
}

export function normalizeNetwork(key: string, v: unknown, project: string): NetworkDef {
  const o = (v ?? {}) as Raw;
  const ext = external(o, key);
  const d: NetworkDef = { name: ext.name ?? (o.name !== undefined ? String(o.name) : `${project}_${key}`) };
  if (ext.external) d.external = true;
  if (o.driver !== undefined) d.driver = String(o.driver);
  if (o.driver_opts !== undefined) d.driver_opts = strMap(o.driver_opts);
  if (o.internal !== undefined) d.internal = Boolean(o.internal);
  if (o.attachable !== undefined) d.attachable = Boolean(o.attachable);
  if (o.enable_ipv6 !== undefined) d.enable_ipv6 = Boolean(o.enable_ipv6);
  if (o.labels !== undefined) d.labels = strMap(o.labels);
  if (o.ipam && typeof o.ipam === 'object') {
    const i = o.ipam as Raw;
    d.ipam = {
      ...(i.driver !== undefined ? { driver: String(i.driver) } : {}),
      ...(Array.isArray(i.config)
        ? {
            config: (i.config as Raw[]).map((c) => ({
              ...(c.subnet !== undefined ? { subnet: String(c.subnet) } : {}),
              ...(c.gateway !== undefined ? { gateway: String(c.gateway) } : {}),
              ...(c.ip_range !== undefined ? { ip_range: String(c.ip_range) } : {}),
            })),
          }
        : {}),
    };
  }
  return d;
}

export function normalizeVolume(key: string, v: unknown, project: string): VolumeDef {
  const o = (v ?? {}) as Raw;
  const ext = external(o, key);
  const d: VolumeDef = { name: ext.name ?? (o.name !== undefined ? String(o.name) : `${project}_${key}`) };
  if (ext.external) d.external = true;
  if (o.driver !== undefined) d.driver = String(o.driver);
  if (o.driver_opts !== undefined) d.driver_opts = strMap(o.driver_opts);
  if (o.labels !== undefined) d.labels = strMap(o.labels);
  return d;
}

export function normalizeSecret(key: string, v: unknown, project: string, dir: string): SecretDef & ConfigDef {
  const o = (v ?? {}) as Raw;
  const ext = external(o, key);
  const d: ConfigDef = { name: ext.name ?? (o.name !== undefined ? String(o.name) : `${project}_${key}`) };
  if (ext.external) d.external = true;
  if (typeof o.file === 'string') d.file = resolve(dir, o.file);
  if (typeof o.environment === 'string') d.environment = o.environment;
  if (typeof o.content === 'string') d.content = o.content;
  if (o.labels !== undefined) d.labels = strMap(o.labels);
  return d;
}
