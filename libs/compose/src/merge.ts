/**
 * Merging one raw service definition onto another, key by key, with
 * docker-compose's rules (used for several `-f` files and for `extends`):
 * mappings merge by key (environment, labels, depends_on, deploy...), some lists
 * union (expose, cap_add, profiles...), ports and volumes merge by what they
 * bind (target), dns/env_file/tmpfs concatenate, everything else is replaced.
 */
import { splitVolumeSpec } from './normalize-volumes';
import { expandPortSpec } from './normalize-ports';

export type Raw = Record<string, unknown>;

const isMap = (v: unknown): v is Raw => !!v && typeof v === 'object' && !Array.isArray(v);

/** KEY=VALUE lists and mappings to one mapping (a KEY without `=` maps to null). */
export function listOrDict(v: unknown, sep = '='): Raw {
  if (isMap(v)) return { ...v };
  const out: Raw = {};
  if (!Array.isArray(v)) return out;
  for (const item of v) {
    const s = String(item);
    const i = s.indexOf(sep);
    if (i < 0) out[s] = null;
    else out[sep === ':' ? s.slice(0, i).trim() : s.slice(0, i)] = sep === ':' ? s.slice(i + 1).trim() : s.slice(i + 1);
  }
  return out;
}

function dependsOnMap(v: unknown): Raw {
  if (Array.isArray(v)) return Object.fromEntries(v.map((n) => [String(n), { condition: 'service_started' }]));
  return isMap(v) ? { ...v } : {};
}

const toList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function uniqueSorted(a: unknown, b: unknown): string[] {
  return [...new Set([...toList(a), ...toList(b)].map(String))].sort();
}

function mergeMapping(a: unknown, b: unknown, parse: (v: unknown) => Raw = (v) => (isMap(v) ? { ...v } : {})): Raw {
  return { ...parse(a), ...parse(b) };
}

/** Lists whose items are keyed (secrets by source, links by alias...): the override's item replaces the base's. */
function mergeKeyed(a: unknown, b: unknown, key: (item: unknown) => string): unknown[] {
  const m = new Map<string, unknown>();
  for (const x of [...toList(a), ...toList(b)]) m.set(key(x), x);
  return [...m.values()];
}

const sourceKey = (x: unknown) => (isMap(x) ? String(x.source) : String(x));
const linkKey = (x: unknown) => {
  const s = String(x);
  const i = s.indexOf(':');
  return i < 0 ? s : s.slice(i + 1);
};

function mergeNetworks(a: unknown, b: unknown): Raw {
  const base = Array.isArray(a) ? Object.fromEntries(a.map((n) => [String(n), null])) : isMap(a) ? a : {};
  const over = Array.isArray(b) ? Object.fromEntries(b.map((n) => [String(n), null])) : isMap(b) ? b : {};
  const out: Raw = {};
  for (const name of new Set([...Object.keys(base), ...Object.keys(over)])) {
    const x = (base[name] ?? {}) as Raw;
    const y = (over[name] ?? {}) as Raw;
    const m: Raw = { ...x, ...y };
    if (x.aliases !== undefined || y.aliases !== undefined) m.aliases = uniqueSorted(x.aliases, y.aliases);
    if (x.link_local_ips !== undefined || y.link_local_ips !== undefined) m.link_local_ips = uniqueSorted(x.link_local_ips, y.link_local_ips);
    // An entry merged from two files is a mapping, even an empty one (as 1.29's `config` prints it).
    out[name] = m;
  }
  return out;
}

/** Volumes and devices merge by their container path; the result is ordered by it (as docker-compose does). */
function mergePathMappings(a: unknown, b: unknown): unknown[] {
  const m = new Map<string, unknown>();
  for (const x of [...toList(a), ...toList(b)]) m.set(isMap(x) ? String(x.target) : (splitVolumeSpec(String(x)).target ?? String(x)), x);
  return [...m.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, v]) => v);
}

/** Ports merge by (target, published, host ip, protocol), ordered by target. */
function mergePorts(a: unknown, b: unknown): unknown[] {
  const m = new Map<string, { item: unknown; target: number }>();
  for (const x of [...toList(a), ...toList(b)]) {
    const expanded = expandPortSpec(x);
    if (!expanded) {
      m.set(`raw:${JSON.stringify(x)}`, { item: x, target: 0 });
      continue;
    }
    // Kept as 1.29 keeps a merged port (its `config` prints it so): an entry of one port as written, one
    // port of a range without the defaults it did not write (protocol, mode).
    const written = (p: (typeof expanded)[number]) =>
      isMap(x) || expanded.length === 1
        ? x
        : { target: p.target, ...(p.published !== undefined ? { published: p.published } : {}), ...(String(x).includes('/') ? { protocol: p.protocol } : {}), ...(p.host_ip ? { host_ip: p.host_ip } : {}) };
    // A host range onto one port is one entry, keyed by its whole range (1.29's ServicePort keeps it whole).
    for (const p of expanded) {
      const published = p.published_end !== undefined ? `${p.published}-${p.published_end}` : p.published;
      m.set(JSON.stringify([p.target, published, p.host_ip, p.protocol]), { item: written(p), target: p.target });
    }
  }
  return [...m.values()].sort((x, y) => x.target - y.target).map((e) => e.item);
}

function mergeHealthcheck(a: unknown, b: unknown): Raw {
  const over = isMap(b) ? b : {};
  if (over.disable === true) return { ...over };
  return { ...(isMap(a) ? a : {}), ...over };
}

function mergeLogging(a: unknown, b: unknown): Raw {
  const base = isMap(a) ? a : {};
  const over = isMap(b) ? b : {};
  const out: Raw = { ...base, ...over };
  if (out.driver === base.driver || base.driver === undefined) out.options = mergeMapping(base.options, over.options);
  else out.options = over.options ?? {};
  if (out.options && !Object.keys(out.options as Raw).length && base.options === undefined && over.options === undefined) delete out.options;
  return out;
}

function mergeBuild(a: unknown, b: unknown): Raw {
  const asObj = (v: unknown): Raw => (typeof v === 'string' ? { context: v } : isMap(v) ? v : {});
  const x = asObj(a);
  const y = asObj(b);
  const out: Raw = { ...x, ...y };
  for (const k of ['args', 'labels']) if (x[k] !== undefined || y[k] !== undefined) out[k] = mergeMapping(x[k], y[k], (v) => listOrDict(v));
  if (x.extra_hosts !== undefined || y.extra_hosts !== undefined) out.extra_hosts = mergeMapping(x.extra_hosts, y.extra_hosts, (v) => listOrDict(v, ':'));
  if (x.cache_from !== undefined || y.cache_from !== undefined) out.cache_from = uniqueSorted(x.cache_from, y.cache_from);
  return out;
}

function mergeDeploy(a: unknown, b: unknown): Raw {
  const x = isMap(a) ? a : {};
  const y = isMap(b) ? b : {};
  const out: Raw = { ...x, ...y };
  if (x.labels !== undefined || y.labels !== undefined) out.labels = mergeMapping(x.labels, y.labels, (v) => listOrDict(v));
  for (const k of ['update_config', 'rollback_config', 'restart_policy']) {
    if (x[k] !== undefined || y[k] !== undefined) out[k] = mergeMapping(x[k], y[k]);
  }
  if (x.resources !== undefined || y.resources !== undefined) {
    const rx = (x.resources ?? {}) as Raw;
    const ry = (y.resources ?? {}) as Raw;
    const r: Raw = { ...rx, ...ry };
    if (rx.limits !== undefined || ry.limits !== undefined) r.limits = mergeMapping(rx.limits, ry.limits);
    if (rx.reservations !== undefined || ry.reservations !== undefined) r.reservations = mergeMapping(rx.reservations, ry.reservations);
    out.resources = r;
  }
  if (x.placement !== undefined || y.placement !== undefined) {
    const px = (x.placement ?? {}) as Raw;
    const py = (y.placement ?? {}) as Raw;
    const p: Raw = { ...px, ...py };
    if (px.constraints !== undefined || py.constraints !== undefined) p.constraints = uniqueSorted(px.constraints, py.constraints);
    if (px.preferences !== undefined || py.preferences !== undefined) {
      p.preferences = mergeKeyed(px.preferences, py.preferences, (v) => JSON.stringify(v));
    }
    out.placement = p;
  }
  return out;
}

type Rule = (a: unknown, b: unknown) => unknown;

const RULES: Record<string, Rule> = {
  environment: (a, b) => mergeMapping(a, b, (v) => listOrDict(v)),
  labels: (a, b) => mergeMapping(a, b, (v) => listOrDict(v)),
  annotations: (a, b) => mergeMapping(a, b, (v) => listOrDict(v)),
  ulimits: (a, b) => mergeMapping(a, b),
  sysctls: (a, b) => mergeMapping(a, b, (v) => listOrDict(v)),
  depends_on: (a, b) => mergeMapping(a, b, dependsOnMap),
  storage_opt: (a, b) => mergeMapping(a, b),
  extra_hosts: (a, b) => mergeMapping(a, b, (v) => listOrDict(v, ':')),
  links: (a, b) => mergeKeyed(a, b, linkKey),
  secrets: (a, b) => mergeKeyed(a, b, sourceKey),
  configs: (a, b) => mergeKeyed(a, b, sourceKey),
  security_opt: (a, b) => mergeKeyed(a, b, String),
  networks: mergeNetworks,
  volumes: mergePathMappings,
  devices: mergePathMappings,
  cap_add: uniqueSorted,
  cap_drop: uniqueSorted,
  expose: uniqueSorted,
  external_links: uniqueSorted,
  volumes_from: uniqueSorted,
  device_cgroup_rules: uniqueSorted,
  profiles: uniqueSorted,
  dns: (a, b) => [...toList(a), ...toList(b)],
  dns_search: (a, b) => [...toList(a), ...toList(b)],
  env_file: (a, b) => [...toList(a), ...toList(b)],
  tmpfs: (a, b) => [...toList(a), ...toList(b)],
  logging: mergeLogging,
  ports: mergePorts,
  healthcheck: mergeHealthcheck,
  deploy: mergeDeploy,
  build: mergeBuild,
};

/** Keys 1.29 re-forms when only one side has them too (its `config` shows it: sorted, keyed, `{}` entries). */
const EITHER_SIDE = new Set(['networks', 'volumes', 'devices', 'ports', 'cap_add', 'cap_drop', 'expose', 'external_links', 'volumes_from', 'device_cgroup_rules', 'profiles']);

/**
 * `over` merged onto `base`. `v1` applies v1's rule that `image` and `build`
 * exclude each other (the override's wins).
 */
export function mergeService(base: Raw, over: Raw, v1 = false): Raw {
  const out: Raw = {};
  for (const k of new Set([...Object.keys(base), ...Object.keys(over)])) {
    const rule = RULES[k];
    const o = over[k];
    if (rule && ((k in base && k in over) || EITHER_SIDE.has(k))) out[k] = rule(base[k], o);
    else out[k] = k in over ? o : base[k];
  }
  if (v1 && ('image' in over || 'build' in over)) {
    if ('image' in over) delete out.build;
    else delete out.image;
  }
  return out;
}
