import { readFileSync } from 'node:fs';
import type { DeployDef, FileRefDef, HealthcheckDef, MountDef, PortDef, ServiceDef, UpdateConfigDef } from './model';
import { listOrDict, type Raw } from './merge';
import { checkExpose, parsePortSpec } from './normalize-ports';
import { parseServiceVolume } from './normalize-volumes';
import { parseDotenv } from './dotenv';
import { dotenvWarning } from './project-env';
import type { Env } from './interpolate';
import type { Path } from './positions';
import { shellSplit } from './shlex';
import { parseDuration, parseSize } from './units';

export type { Raw };
export type Report = (path: Path, message: string) => void;

export interface NormalizeContext {
  projectDir: string;
  env: Env;
  home: string | undefined;
  report: Report;
  /** Something 1.29 accepts with a warning (an unreadable env_file line). */
  warn?: (message: string) => void;
}

/** Keys modelled one by one below; the rest of a service is kept as written in `extra`. */
const MODELLED = new Set([
  'image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'labels', 'ports', 'expose', 'volumes', 'networks',
  'network_mode', 'net', 'depends_on', 'links', 'external_links', 'volumes_from', 'secrets', 'configs', 'deploy', 'restart',
  'working_dir', 'user', 'hostname', 'domainname', 'healthcheck', 'stop_grace_period', 'stop_signal', 'tty', 'stdin_open',
  'init', 'read_only', 'extra_hosts', 'dns', 'dns_search', 'cap_add', 'cap_drop', 'sysctls', 'ulimits', 'logging',
  'log_driver', 'log_opt', 'dockerfile', 'scale', 'container_name', 'profiles', 'privileged', 'platform', 'pull_policy', 'extends',
]);

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

function stringMap(v: unknown, env?: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(listOrDict(v))) {
    if (val === null || val === undefined) {
      // `KEY` alone takes its value from the environment, and is left out when unset (as Docker does).
      const fromEnv = env?.[k];
      if (fromEnv !== undefined) out[k] = fromEnv;
    } else out[k] = typeof val === 'object' ? JSON.stringify(val) : String(val);
  }
  return out;
}

/** `environment`: as stringMap, but a `KEY` the shell does not set either stays, as `null` (1.29's resolve_env_var). */
function envMap(v: unknown, env: Env): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, val] of Object.entries(listOrDict(v))) {
    out[k] = val === null || val === undefined ? (env[k] ?? null) : typeof val === 'object' ? JSON.stringify(val) : String(val);
  }
  return out;
}

function duration(v: unknown, path: Path, ctx: NormalizeContext): number | undefined {
  if (v === undefined || v === null) return undefined;
  try {
    return parseDuration(v);
  } catch {
    ctx.report(path, `${dotted(path)} has an invalid duration ${JSON.stringify(v)}: use a number and a unit, e.g. 1m30s, 500ms, 10s`);
    return undefined;
  }
}

function size(v: unknown, path: Path, ctx: NormalizeContext): number | undefined {
  if (v === undefined || v === null) return undefined;
  try {
    return parseSize(v);
  } catch {
    ctx.report(path, `${dotted(path)} has an invalid size ${JSON.stringify(v)}: use bytes or a unit, e.g. 512k, 64m, 1g`);
    return undefined;
  }
}

const dotted = (path: Path) => path.filter((p) => typeof p === 'string').join('.');

function command(v: unknown, path: Path, ctx: NormalizeContext): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    try {
      return shellSplit(v);
    } catch (e) {
      ctx.report(path, `${dotted(path)}: ${(e as Error).message}`);
      return undefined;
    }
  }
  if (Array.isArray(v)) return v.map(String);
  return undefined;
}

function ports(v: unknown, path: Path, ctx: NormalizeContext): PortDef[] {
  if (!Array.isArray(v)) return [];
  const out: PortDef[] = [];
  const seen = new Set<string>();
  v.forEach((item, i) => {
    const r = parsePortSpec(item);
    if (typeof r === 'string') return ctx.report([...path, i], `${dotted(path)}: ${r}`);
    // The same port twice ("3000" and "3000-3002") is one port.
    for (const p of r) {
      const k = `${p.target}/${p.protocol}/${p.published}/${p.published_end}/${p.host_ip}/${p.mode}`;
      if (!seen.has(k)) out.push(p);
      seen.add(k);
    }
  });
  return out;
}

function volumes(v: unknown, path: Path, ctx: NormalizeContext): MountDef[] {
  if (!Array.isArray(v)) return [];
  const out: MountDef[] = [];
  const targets = new Set<string>();
  v.forEach((item, i) => {
    const r = parseServiceVolume(item, ctx.projectDir, ctx.home);
    if (typeof r === 'string') return ctx.report([...path, i], `${dotted(path)}: ${r}`);
    if (targets.has(r.target)) return ctx.report([...path, i], `${dotted(path)}: duplicate mount point "${r.target}"`);
    targets.add(r.target);
    out.push(r);
  });
  return out;
}

function networks(v: unknown): ServiceDef['networks'] {
  if (Array.isArray(v)) return Object.fromEntries(v.map((n) => [String(n), {}]));
  if (!v || typeof v !== 'object') return {};
  const out: ServiceDef['networks'] = {};
  for (const [k, val] of Object.entries(v as Raw)) {
    const o = (val ?? {}) as Raw;
    out[k] = {
      ...(Array.isArray(o.aliases) ? { aliases: o.aliases.map(String) } : {}),
      ...(o.ipv4_address ? { ipv4_address: String(o.ipv4_address) } : {}),
      ...(o.ipv6_address ? { ipv6_address: String(o.ipv6_address) } : {}),
      ...(o.priority !== undefined ? { priority: Number(o.priority) } : {}),
    };
  }
  return out;
}

function dependsOn(v: unknown): ServiceDef['depends_on'] {
  if (Array.isArray(v)) return Object.fromEntries(v.map((n) => [String(n), { condition: 'service_started' as const }]));
  if (!v || typeof v !== 'object') return {};
  return Object.fromEntries(
    Object.entries(v as Raw).map(([k, o]) => [k, { condition: ((o as Raw | null)?.condition ?? 'service_started') as 'service_started' }]),
  );
}

function fileRefs(v: unknown): FileRefDef[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((x) => {
    if (typeof x === 'string') return { source: x };
    const o = x as Raw;
    return {
      source: String(o.source),
      ...(o.target !== undefined ? { target: String(o.target) } : {}),
      ...(o.uid !== undefined ? { uid: String(o.uid) } : {}),
      ...(o.gid !== undefined ? { gid: String(o.gid) } : {}),
      ...(o.mode !== undefined ? { mode: Number(o.mode) } : {}),
    };
  });
}

function healthcheck(name: string, v: unknown, path: Path, ctx: NormalizeContext): HealthcheckDef | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Raw;
  const invalid = (why: string) => ctx.report(path, `Service "${name}" defines an invalid healthcheck: ${why}`);
  const others = Object.keys(o).filter((k) => k !== 'disable' && k !== 'test' && !k.startsWith('x-'));
  const test = typeof o.test === 'string' ? ['CMD-SHELL', o.test] : Array.isArray(o.test) ? o.test.map(String) : undefined;
  if (o.disable === true || test?.[0] === 'NONE') {
    if (others.length || (o.disable === true && test && test[0] !== 'NONE')) invalid('"disable: true" cannot be combined with other options');
    return { disable: true };
  }
  if (Array.isArray(o.test) && !o.test.length) invalid('"test" is an empty list');
  else if (Array.isArray(o.test) && !['CMD', 'CMD-SHELL'].includes(String(o.test[0]))) {
    invalid('when "test" is a list the first item must be either NONE, CMD or CMD-SHELL');
  }
  const h: HealthcheckDef = {};
  if (test) h.test = test;
  for (const k of ['interval', 'timeout', 'start_period'] as const) {
    const d = duration(o[k], [...path, k], ctx);
    if (d !== undefined) h[k] = d;
  }
  if (o.retries !== undefined) h.retries = Number(o.retries);
  return h;
}

function updateConfig(v: unknown, path: Path, ctx: NormalizeContext): UpdateConfigDef | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Raw;
  const u: UpdateConfigDef = {};
  if (o.parallelism !== undefined) u.parallelism = Number(o.parallelism);
  const delay = duration(o.delay, [...path, 'delay'], ctx);
  if (delay !== undefined) u.delay = delay;
  const monitor = duration(o.monitor, [...path, 'monitor'], ctx);
  if (monitor !== undefined) u.monitor = monitor;
  if (o.failure_action !== undefined) {
    if (!['pause', 'continue', 'rollback'].includes(String(o.failure_action))) {
      ctx.report([...path, 'failure_action'], `${dotted(path)}.failure_action must be pause, continue or rollback`);
    } else u.failure_action = o.failure_action as UpdateConfigDef['failure_action'];
  }
  if (o.max_failure_ratio !== undefined) u.max_failure_ratio = Number(o.max_failure_ratio);
  if (o.order !== undefined) u.order = o.order as UpdateConfigDef['order'];
  return u;
}

function deploy(v: unknown, path: Path, ctx: NormalizeContext): DeployDef | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Raw;
  const d: DeployDef = {};
  if (o.mode !== undefined) {
    if (!['replicated', 'global', 'replicated-job', 'global-job'].includes(o.mode as string)) {
      ctx.report([...path, 'mode'], `${dotted(path)}.mode must be replicated, global, replicated-job or global-job, not ${JSON.stringify(o.mode)}`);
    }
    else d.mode = o.mode as DeployDef['mode'];
  }
  if (o.replicas !== undefined) {
    const r = Number(o.replicas);
    if (!Number.isInteger(r) || r < 0) ctx.report([...path, 'replicas'], `${dotted(path)}.replicas must be a non-negative integer`);
    else d.replicas = r;
  }
  if (o.endpoint_mode !== undefined) {
    if (o.endpoint_mode !== 'vip' && o.endpoint_mode !== 'dnsrr') ctx.report([...path, 'endpoint_mode'], `${dotted(path)}.endpoint_mode must be vip or dnsrr`);
    else d.endpoint_mode = o.endpoint_mode;
  }
  if (o.labels !== undefined) d.labels = stringMap(o.labels);
  const res = o.resources as Raw | undefined;
  if (res) {
    const part = (x: unknown, name: 'limits' | 'reservations') => {
      if (!x || typeof x !== 'object') return undefined;
      const r = x as Raw;
      const at = [...path, 'resources', name];
      const out: { cpus?: number; memory?: number; pids?: number } = {};
      if (r.cpus !== undefined) {
        const c = Number(r.cpus);
        if (!Number.isFinite(c) || c < 0) ctx.report([...at, 'cpus'], `${dotted(at)}.cpus must be a positive number, not ${JSON.stringify(r.cpus)}`);
        else out.cpus = c;
      }
      const mem = size(r.memory, [...at, 'memory'], ctx);
      if (mem !== undefined) out.memory = mem;
      if (r.pids !== undefined) out.pids = Number(r.pids);
      return out;
    };
    const limits = part(res.limits, 'limits');
    const reservations = part(res.reservations, 'reservations');
    d.resources = { ...(limits ? { limits } : {}), ...(reservations ? { reservations } : {}) };
  }
  const rp = o.restart_policy as Raw | undefined;
  if (rp) {
    d.restart_policy = {};
    // Any string loads (1.29's schema); toStack refuses what Swarm has no condition for, as 1.29's `up` does.
    if (rp.condition !== undefined) d.restart_policy.condition = String(rp.condition);
    const delay = duration(rp.delay, [...path, 'restart_policy', 'delay'], ctx);
    if (delay !== undefined) d.restart_policy.delay = delay;
    const win = duration(rp.window, [...path, 'restart_policy', 'window'], ctx);
    if (win !== undefined) d.restart_policy.window = win;
    if (rp.max_attempts !== undefined) d.restart_policy.max_attempts = Number(rp.max_attempts);
  }
  const pl = o.placement as Raw | undefined;
  if (pl) {
    d.placement = {
      ...(Array.isArray(pl.constraints) ? { constraints: pl.constraints.map(String) } : {}),
      ...(Array.isArray(pl.preferences) ? { preferences: (pl.preferences as Raw[]).map((p) => ({ spread: String(p.spread) })) } : {}),
      ...(pl.max_replicas_per_node !== undefined ? { max_replicas_per_node: Number(pl.max_replicas_per_node) } : {}),
    };
  }
  const uc = updateConfig(o.update_config, [...path, 'update_config'], ctx);
  if (uc) d.update_config = uc;
  const rc = updateConfig(o.rollback_config, [...path, 'rollback_config'], ctx);
  if (rc) d.rollback_config = rc;
  return d;
}

const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;

function readEnvFiles(v: unknown, path: Path, ctx: NormalizeContext): Record<string, string> {
  const out: Record<string, string> = {};
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  list.forEach((e, i) => {
    const file = typeof e === 'string' ? e : String((e as Raw)?.path);
    const required = typeof e === 'string' || (e as Raw)?.required !== false;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      if (required) ctx.report([...path, i], `Couldn't find env file: ${file}`);
      return;
    }
    const problems: { line: number; message: string }[] = [];
    Object.assign(out, parseDotenv(text, ctx.env, problems));
    for (const p of problems) ctx.warn?.(dotenvWarning(file, p.line));
  });
  return out;
}

/** One raw (interpolated, merged, extended, absolutised) service to its canonical form. */
export function normalizeService(name: string, raw: Raw, ctx: NormalizeContext): ServiceDef {
  const p: Path = ['services', name];
  const at = (k: string) => [...p, k];
  const environment = { ...(raw.env_file !== undefined ? readEnvFiles(raw.env_file, at('env_file'), ctx) : {}), ...envMap(raw.environment, ctx.env) };
  for (const k of Object.keys(environment)) {
    if (/\s/.test(k)) ctx.report(at('environment'), `environment variable name '${k}' may not contain whitespace.`);
  }
  const s: ServiceDef = {
    name,
    environment,
    labels: stringMap(raw.labels),
    ports: ports(raw.ports, at('ports'), ctx),
    expose: Array.isArray(raw.expose) ? raw.expose.map(String) : [],
    volumes: volumes(raw.volumes, at('volumes'), ctx),
    networks: networks(raw.networks),
    depends_on: dependsOn(raw.depends_on),
  };
  s.expose.forEach((e, i) => {
    const bad = checkExpose(e);
    if (bad) ctx.report([...at('expose'), i], `${dotted(at('expose'))} ${bad}`);
  });
  if (raw.image !== undefined && raw.image !== null) s.image = String(raw.image);
  const build = raw.build ?? (raw.dockerfile !== undefined ? {} : undefined);
  if (build !== undefined) {
    const b = typeof build === 'string' ? { context: build } : (build as Raw);
    s.build = {
      context: String(b.context ?? ctx.projectDir),
      ...(b.dockerfile ?? raw.dockerfile ? { dockerfile: String(b.dockerfile ?? raw.dockerfile) } : {}),
      // A `KEY` the environment lacks stays, as null (as 1.29 keeps it); the build sends it as ''.
      ...(b.args !== undefined ? { args: envMap(b.args, ctx.env) } : {}),
      ...(b.target ? { target: String(b.target) } : {}),
      ...(b.labels !== undefined ? { labels: stringMap(b.labels) } : {}),
      ...(b.network ? { network: String(b.network) } : {}),
      ...(Array.isArray(b.cache_from) ? { cache_from: b.cache_from.map(String) } : {}),
    };
    const shm = size(b.shm_size, [...at('build'), 'shm_size'], ctx);
    if (shm !== undefined) s.build.shm_size = shm;
    if (b.extra_hosts !== undefined) s.build.extra_hosts = Object.entries(listOrDict(b.extra_hosts, ':')).map(([h, ip]) => `${h}:${ip}`);
  }
  const cmd = command(raw.command, at('command'), ctx);
  if (cmd) s.command = cmd;
  const ep = command(raw.entrypoint, at('entrypoint'), ctx);
  if (ep) s.entrypoint = ep;
  const nm = str(raw.network_mode) ?? str(raw.net);
  if (nm) s.network_mode = nm;
  if (!nm && !Object.keys(s.networks).length) s.networks = { default: {} };
  if (nm && raw.networks !== undefined) ctx.report(at('network_mode'), `'network_mode' and 'networks' cannot be combined`);
  const dep = deploy(raw.deploy, at('deploy'), ctx);
  if (dep) s.deploy = dep;
  for (const k of ['working_dir', 'user', 'hostname', 'domainname', 'stop_signal', 'container_name', 'platform', 'pull_policy'] as const) {
    const v = str(raw[k]);
    if (v !== undefined) s[k] = v;
  }
  if (raw.restart !== undefined) {
    const r = String(raw.restart === false ? 'no' : raw.restart);
    if (!RESTART.test(r)) ctx.report(at('restart'), `services.${name}.restart has an invalid value ${JSON.stringify(raw.restart)}: it should be no, always, unless-stopped or on-failure[:N]`);
    else s.restart = r;
  }
  for (const k of ['links', 'external_links', 'volumes_from', 'cap_add', 'cap_drop', 'profiles', 'dns', 'dns_search'] as const) {
    const v = raw[k];
    if (v !== undefined && v !== null) s[k] = (Array.isArray(v) ? v : [v]).map(String);
  }
  const secrets = fileRefs(raw.secrets);
  if (secrets) s.secrets = secrets;
  const configs = fileRefs(raw.configs);
  if (configs) s.configs = configs;
  const hc = healthcheck(name, raw.healthcheck, at('healthcheck'), ctx);
  if (hc) s.healthcheck = hc;
  const sgp = duration(raw.stop_grace_period, at('stop_grace_period'), ctx);
  if (sgp !== undefined) s.stop_grace_period = sgp;
  for (const k of ['tty', 'stdin_open', 'init', 'read_only', 'privileged'] as const) if (raw[k] !== undefined && raw[k] !== null) s[k] = Boolean(raw[k]);
  if (raw.extra_hosts !== undefined) {
    const h = listOrDict(raw.extra_hosts, ':');
    s.extra_hosts = Object.entries(h).map(([host, ip]) => `${host}:${ip}`);
  }
  if (raw.sysctls !== undefined) s.sysctls = stringMap(raw.sysctls);
  if (raw.ulimits && typeof raw.ulimits === 'object') {
    s.ulimits = {};
    for (const [k, u] of Object.entries(raw.ulimits as Raw)) {
      s.ulimits[k] = typeof u === 'object' && u ? { soft: Number((u as Raw).soft), hard: Number((u as Raw).hard) } : { soft: Number(u), hard: Number(u) };
    }
  }
  const logging = (raw.logging ?? (raw.log_driver !== undefined || raw.log_opt !== undefined ? { driver: raw.log_driver, options: raw.log_opt } : undefined)) as Raw | undefined;
  if (logging) {
    s.logging = {
      ...(logging.driver !== undefined ? { driver: String(logging.driver) } : {}),
      ...(logging.options ? { options: stringMap(logging.options) } : {}),
    };
  }
  if (raw.scale !== undefined) s.scale = Number(raw.scale);
  const extra: Raw = {};
  for (const [k, v] of Object.entries(raw)) if (!MODELLED.has(k) && !k.startsWith('x-')) extra[k] = v;
  if (Object.keys(extra).length) s.extra = extra;
  // The key's presence counts, as in 1.29: `image: ${UNSET}` loads as '' (Docker refuses it at deploy).
  if (s.image === undefined && !s.build) ctx.report(p, `Service ${name} has neither an image nor a build context specified. At least one must be provided.`);
  return s;
}
