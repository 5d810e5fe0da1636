/**
 * `docker-compose config` as 1.29 prints it: its internal service dicts (what it keeps of each key as
 * written, what it normalises) serialised by PyYAML. Built from the project's merged, extended,
 * interpolated raw services (ComposeProject.source), not from the normalised model: 1.29 keeps most
 * values as written (`expose: [3306]` stays a number, `command` a string).
 */
import { normalize, resolve } from 'node:path';
import type { Raw } from './merge';
import type { ComposeProject, ProjectSource } from './model';
import { PyFloat, pyFloat, pyyamlDump, type PyValue } from './pyyaml-dump';
import { parseDuration } from './units';

/** Python's os.path.normpath: no trailing slash, '' is '.', exactly two leading slashes stay. */
export function normPath(p: string): string {
  if (p === '') return '.';
  let n = normalize(p);
  if (n.length > 1 && n.endsWith('/')) n = n.slice(0, -1);
  return /^\/\/(?!\/)/.test(p) ? `/${n}` : n;
}

const isMap = (v: unknown): v is Raw => !!v && typeof v === 'object' && !Array.isArray(v);
const toList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** Python's str() of a scalar (build_string_dict). */
function pyStr(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v).replace(/^(-?\d)\.0e/, '$1e');
  return String(v);
}

/** list (`K=V`, `K`) or mapping → mapping; `split` says what a list item without `=` maps to. */
function dictOrList(v: unknown, bare: (k: string) => PyValue): Record<string, PyValue> {
  if (Array.isArray(v)) {
    const out: Record<string, PyValue> = {};
    for (const item of v) {
      const s = String(item);
      const i = s.indexOf('=');
      out[i < 0 ? s : s.slice(0, i)] = i < 0 ? bare(s) : s.slice(i + 1);
    }
    return out;
  }
  return isMap(v) ? ({ ...v } as Record<string, PyValue>) : {};
}

const stringDict = (o: Record<string, PyValue>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, pyStr(v)]));

/** 1.29's serialize_ns_time_value: the largest unit that divides the nanoseconds exactly. */
export function nsTime(ns: number): string {
  const units: [number, string][] = [[1000, 'us'], [1000, 'ms'], [1000, 's'], [60, 'm'], [60, 'h']];
  let value = ns;
  let unit = 'ns';
  for (const [f, u] of units) {
    if (value % f !== 0) break;
    value /= f;
    unit = u;
  }
  return `${value}${unit}`;
}

/** docker-py's port spec: [[ip:]published[-end]:]target[-end][/proto]. */
const PORT_SPEC = /^((\[?(?<host>[a-fA-F\d.:]+)\]?:)?(?<ext>\d*)(-(?<extEnd>\d+))?:)?(?<int>\d+)(-(?<intEnd>\d+))?(?<proto>\/(udp|tcp|sctp))?$/;

/** 1.29's ServicePort fields (its namedtuple: target published protocol mode external_ip). */
export interface Port {
  target?: number;
  published?: number | string | null;
  protocol?: string;
  mode?: string;
  external_ip?: string;
}

function intOr(v: unknown): number | string | null | undefined {
  if (v === undefined || v === null || v === '' || v === 0) return v as number | string | null | undefined;
  if (typeof v === 'string' && v.includes('-')) return v;
  return Number(v);
}

/** One `ports:` entry as 1.29's ServicePort list (a range is one entry a port). */
export function parsePort(spec: unknown): Port[] {
  if (isMap(spec)) {
    // (host_ip: a short entry with an address that went through a merge, as flotilla's merge keeps it.)
    return [
      {
        target: spec.target === undefined ? undefined : Number(spec.target),
        published: intOr(spec.published),
        protocol: spec.protocol as string | undefined,
        mode: spec.mode as string | undefined,
        ...(spec.host_ip ? { external_ip: String(spec.host_ip) } : {}),
      },
    ];
  }
  const m = PORT_SPEC.exec(String(spec));
  if (!m?.groups) return [];
  const g = m.groups;
  const proto = g.proto ? g.proto.slice(1) : undefined;
  const range = (a: string, b: string | undefined) => (b ? Array.from({ length: Number(b) - Number(a) + 1 }, (_, i) => String(Number(a) + i)) : [a]);
  const internal = range(g.int, g.intEnd);
  let external: (string | undefined)[] | undefined;
  if (g.ext) external = g.extEnd ? (internal.length === 1 ? [`${g.ext}-${g.extEnd}`] : range(g.ext, g.extEnd)) : [g.ext];
  else if (g.ext === '') external = g.host === undefined ? undefined : internal.map(() => '');
  // Entries by target, in order (docker-py's build_port_bindings).
  return internal.map((t, i) => {
    const pub = external?.[i];
    return { target: Number(t), published: intOr(pub === undefined ? null : pub), protocol: proto, ...(g.host !== undefined ? { external_ip: g.host } : {}) };
  });
}

function portRepr(p: Port, legacy: boolean): PyValue {
  const dict: Record<string, PyValue> = {};
  for (const k of ['target', 'published', 'protocol', 'mode', 'external_ip'] as const) if (p[k] !== undefined && p[k] !== null) dict[k] = p[k];
  if (!legacy && !p.external_ip) return dict;
  const hasPub = p.published !== undefined && p.published !== null;
  return `${p.external_ip ?? ''}${p.external_ip ? ':' : ''}${hasPub ? String(p.published) : ''}${hasPub || p.external_ip ? ':' : ''}${p.target}/${p.protocol ?? 'tcp'}`;
}

/** A short-syntax volume as 1.29's VolumeSpec holds it: [external (null: none), internal, mode (rw by default)]. */
export function volumeSpec(v: string): [string | null, string, string] {
  const parts = v.split(':');
  if (parts.length === 1) return [null, normPath(parts[0]), 'rw'];
  return [normPath(parts[0]), normPath(parts[1]), parts[2] ?? 'rw'];
}

/** A VolumeSpec as 1.29 prints it: `external:internal:mode`, or `internal`. */
function volumeString(v: string): string {
  const [ext, internal, mode] = volumeSpec(v);
  return ext === null ? internal : `${ext}:${internal}:${mode}`;
}

/** A long-syntax volume as 1.29's MountSpec.repr() (v1: its legacy string). */
export function mountDict(v: Raw, v1: boolean): PyValue {
  const out: Record<string, PyValue> = {};
  const source = typeof v.source === 'string' && v.source ? normPath(v.source) : v.source;
  if (v1) return `${source ? `${String(source)}:` : ''}${String(v.target)}${source ? (v.read_only ? ':ro' : ':rw') : ''}`;
  for (const [k, x] of [['type', v.type], ['source', source], ['target', v.target], ['read_only', v.read_only], ['consistency', v.consistency]] as const) if (x) out[k] = x as PyValue;
  const opts = v[String(v.type)];
  if (opts && (!isMap(opts) || Object.keys(opts).length)) out[String(v.type)] = opts as PyValue;
  return out;
}

function secretRef(s: unknown): PyValue {
  if (!isMap(s)) return { source: s as PyValue };
  const out: Record<string, PyValue> = {};
  for (const k of ['source', 'target', 'uid', 'gid', 'mode', 'name']) if (s[k] !== undefined && s[k] !== null) out[k] = s[k] as PyValue;
  return out;
}

function restart(v: unknown): string {
  if (!v) return '';
  const [name, retries] = String(v).split(':');
  return retries && Number(retries) ? `${name}:${Number(retries)}` : name;
}

function healthcheck(h: Raw): PyValue {
  const out = { ...h } as Record<string, PyValue>;
  if ('disable' in out) {
    delete out.disable;
    out.test = ['NONE'];
  }
  for (const k of ['interval', 'timeout', 'start_period']) {
    const x = out[k];
    if (x === undefined) continue;
    out[k] = nsTime(typeof x === 'number' ? x : parseDuration(x as string));
  }
  return out;
}

function volumesFrom(v: string, services: Set<string>): string {
  const parts = v.split(':');
  const mode = (s: string | undefined) => s ?? 'rw';
  if (parts[0] === 'container' || parts[0] === 'service') return `${parts[0]}:${parts[1]}:${mode(parts[2])}`;
  return `${services.has(parts[0]) ? 'service' : 'container'}:${parts[0]}:${mode(parts[1])}`;
}

function service(name: string, raw: Raw, src: ProjectSource, project: ComposeProject, names: Set<string>): Record<string, PyValue> {
  const s: Record<string, PyValue> = { ...(raw as Record<string, PyValue>) };
  delete s.extends;
  // environment: env_file first, then environment; a KEY without value from the variables, else null.
  if ('environment' in raw || 'env_file' in raw) {
    const own = dictOrList(raw.environment, () => null);
    const resolved = project.services[name]?.environment ?? {};
    const env: Record<string, PyValue> = {};
    for (const [k, v] of Object.entries(resolved)) if (!(k in own)) env[k] = v;
    for (const [k, v] of Object.entries(own)) env[k] = v !== null && v !== undefined ? v : (resolved[k] ?? src.env[k] ?? null);
    s.environment = env;
    delete s.env_file;
  }
  if (raw.build !== undefined) {
    if (isMap(raw.build)) {
      const b = { ...(raw.build as Record<string, PyValue>) };
      if (b.labels !== undefined) b.labels = dictOrList(b.labels, () => '');
      if (b.args !== undefined) b.args = stringDict(Object.fromEntries(Object.entries(dictOrList(b.args, () => null)).map(([k, v]) => [k, v ?? src.env[k] ?? null])));
      s.build = b;
    } else s.build = { context: raw.build as string };
  }
  if (Array.isArray(raw.volumes)) s.volumes = raw.volumes.map((v) => (isMap(v) ? mountDict(v, src.v1) : volumeString(String(v))));
  if (raw.sysctls !== undefined) s.sysctls = stringDict(dictOrList(raw.sysctls, () => ''));
  if (raw.labels !== undefined) s.labels = dictOrList(raw.labels, () => '');
  if (Array.isArray(raw.depends_on)) s.depends_on = Object.fromEntries(raw.depends_on.map((d) => [String(d), { condition: 'service_started' }]));
  for (const k of ['dns', 'dns_search', 'tmpfs']) if (raw[k] !== undefined) s[k] = toList(raw[k]) as PyValue;
  if (isMap(raw.healthcheck)) s.healthcheck = healthcheck(raw.healthcheck);
  if (Array.isArray(raw.ports)) s.ports = raw.ports.flatMap(parsePort).map((p) => portRepr(p, src.v1));
  if (Array.isArray(raw.volumes_from)) s.volumes_from = raw.volumes_from.map((v) => volumesFrom(String(v), names));
  if (typeof raw.net === 'string') {
    const c = raw.net.startsWith('container:') ? raw.net.slice(10) : undefined;
    s.network_mode = c && names.has(c) ? `service:${c}` : raw.net;
    delete s.net;
  }
  if (raw.networks !== undefined) s.networks = dictOrList(raw.networks, () => null);
  if (raw.restart !== undefined) s.restart = restart(raw.restart);
  if (raw.secrets !== undefined) s.secrets = toList(raw.secrets).map(secretRef);
  if (raw.configs !== undefined) s.configs = toList(raw.configs).map(secretRef);
  if (raw.log_driver !== undefined || raw.log_opt !== undefined) {
    const logging = { ...(isMap(s.logging) ? (s.logging as Record<string, PyValue>) : {}) };
    if (raw.log_driver !== undefined) logging.driver = raw.log_driver as PyValue;
    if (raw.log_opt !== undefined) logging.options = raw.log_opt as PyValue;
    s.logging = logging;
    delete s.log_driver;
    delete s.log_opt;
  }
  if (raw.dockerfile !== undefined) {
    s.build = { ...(isMap(s.build) ? (s.build as Record<string, PyValue>) : {}), dockerfile: raw.dockerfile as PyValue };
    delete s.dockerfile;
  }
  // 1.29 reads `cpus` (service, deploy limits) as a float: `'2'` prints as 2.0. (A number written unquoted
  // stays an int in 1.29; flotilla's reader no longer tells the two apart, and the documented form is quoted.)
  if (typeof raw.cpus === 'number') s.cpus = new PyFloat(raw.cpus);
  const limits = (raw.deploy as { resources?: { limits?: Raw } } | undefined)?.resources?.limits;
  if (limits && typeof limits.cpus === 'number') {
    const d = raw.deploy as Raw;
    const res = d.resources as Raw;
    s.deploy = { ...(d as Record<string, PyValue>), resources: { ...(res as Record<string, PyValue>), limits: { ...(limits as Record<string, PyValue>), cpus: new PyFloat(limits.cpus) } } };
  }
  if (src.v1 && s.network_mode === undefined) s.network_mode = 'bridge';
  return s;
}

/** The top-level sections as 1.29 keeps them: `{}` for an empty entry, labels as a mapping, driver_opts as strings. */
function section(entries: Raw, dir: string, home: string | undefined): Record<string, PyValue> {
  const out: Record<string, PyValue> = {};
  for (const [name, conf] of Object.entries(entries)) {
    if (!isMap(conf) || !Object.keys(conf).length) {
      out[name] = {};
      continue;
    }
    const c = { ...(conf as Record<string, PyValue>) };
    if (c.external) {
      if (isMap(c.external)) c.name = (c.external as Raw).name as PyValue;
      else if (!c.name) c.name = name;
    }
    if (c.labels !== undefined) c.labels = dictOrList(c.labels, () => '');
    if (c.driver_opts !== undefined) c.driver_opts = stringDict(c.driver_opts as Record<string, PyValue>);
    delete c.external_name;
    if ('name' in c && 'external' in c) c.external = !!c.external;
    if (typeof c.file === 'string') c.file = resolve(dir, c.file.replace(/^~(?=\/|$)/, home ?? '~'));
    out[name] = c;
  }
  return out;
}

/** The document `docker-compose config` serialises (before `$` escaping). */
export function config129Document(project: ComposeProject, src: ProjectSource): Record<string, PyValue> {
  const names = new Set(Object.keys(src.services));
  const doc: Record<string, PyValue> = {
    version: src.v1 ? '1' : (src.version ?? '3.9'),
    services: Object.fromEntries(Object.entries(src.services).map(([n, raw]) => [n, service(n, raw, src, project, names)])),
  };
  for (const key of ['networks', 'volumes', 'secrets', 'configs'] as const) {
    if (Object.keys(src[key]).length) doc[key] = section(src[key], project.workingDir, src.env.HOME);
  }
  return doc;
}

/** `docker-compose config` stdout, byte for byte (print() adds a newline after PyYAML's). */
export function renderConfig129(project: ComposeProject, opts: { escapeDollar?: boolean; imageDigests?: ReadonlyMap<string, string> } = {}): string {
  if (!project.source) throw new Error('project has no source: load it with loadProject');
  const doc = config129Document(project, project.source);
  // `--resolve-image-digests`: each service's image pinned (1.29's denormalize_service_dict).
  if (opts.imageDigests) {
    const services = doc.services as Record<string, Record<string, PyValue>>;
    for (const [name, ref] of opts.imageDigests) if (services[name]) services[name].image = ref;
  }
  return pyyamlDump(doc, { escapeDollar: opts.escapeDollar ?? true }) + '\n';
}
