import { isAbsolute, resolve } from 'node:path';
import type { DeployDef, HealthcheckDef, MountDef, PortDef, ServiceDef } from './model';
import { shellSplit } from './shlex';
import { parseDuration, parseSize } from './units';

export type Raw = Record<string, unknown>;
export type Report = (path: (string | number)[], message: string) => void;

/** Keys a service may have (Compose Specification plus v1/v2-only keys we still read). */
export const SERVICE_KEYS = new Set([
  'image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'labels', 'ports', 'expose', 'volumes',
  'networks', 'network_mode', 'net', 'depends_on', 'deploy', 'restart', 'working_dir', 'user', 'hostname',
  'domainname', 'healthcheck', 'stop_grace_period', 'stop_signal', 'tty', 'stdin_open', 'init', 'read_only',
  'extra_hosts', 'dns', 'dns_search', 'dns_opt', 'cap_add', 'cap_drop', 'sysctls', 'scale', 'container_name',
  'profiles', 'privileged', 'links', 'external_links', 'volumes_from', 'logging', 'ulimits', 'secrets', 'configs',
  'extends', 'platform', 'pid', 'ipc', 'shm_size', 'tmpfs', 'devices', 'security_opt', 'userns_mode', 'mem_limit',
  'memswap_limit', 'mem_reservation', 'cpus', 'cpu_shares', 'cpu_quota', 'cpuset', 'pull_policy', 'runtime',
  'isolation', 'group_add', 'mac_address', 'oom_score_adj', 'oom_kill_disable', 'cgroup_parent', 'device_cgroup_rules',
  'credential_spec', 'storage_opt', 'stop_grace_period', 'labels', 'annotations', 'attach', 'uts', 'blkio_config',
  'cpu_count', 'cpu_percent', 'cpu_period', 'cpu_rt_period', 'cpu_rt_runtime', 'cpu_realtime_period', 'cpu_realtime_runtime',
  'develop', 'mem_swappiness', 'pids_limit', 'log_driver', 'log_opt', 'volume_driver', 'cgroup', 'post_start', 'pre_stop',
]);

export function toStringMap(v: unknown, path: (string | number)[], report: Report, env?: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      if (typeof item !== 'string') return report([...path, i], `${path.join('.')} contains a non-string item`);
      const eq = item.indexOf('=');
      if (eq < 0) {
        // `KEY` alone takes its value from the environment (or is left out, as Docker does).
        const fromEnv = env?.[item];
        if (fromEnv !== undefined) out[item] = fromEnv;
      } else out[item.slice(0, eq)] = item.slice(eq + 1);
    });
    return out;
  }
  if (typeof v === 'object') {
    for (const [k, val] of Object.entries(v as Raw)) {
      if (val === null || val === undefined) {
        const fromEnv = env?.[k];
        if (fromEnv !== undefined) out[k] = fromEnv;
      } else if (typeof val === 'object') report([...path, k], `${path.join('.')}.${k} contains an invalid type, it should be a string, number, or a null`);
      else out[k] = String(val);
    }
    return out;
  }
  report(path, `${path.join('.')} contains an invalid type, it should be an object, or an array`);
  return out;
}

function command(v: unknown, path: (string | number)[], report: Report): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    try {
      return shellSplit(v);
    } catch (e) {
      report(path, (e as Error).message);
      return undefined;
    }
  }
  if (Array.isArray(v)) return v.map(String);
  report(path, `${path.join('.')} contains an invalid type, it should be a string, or an array`);
  return undefined;
}

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

export function parsePorts(v: unknown, path: (string | number)[], report: Report): PortDef[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    report(path, `${path.join('.')} contains an invalid type, it should be an array`);
    return [];
  }
  const out: PortDef[] = [];
  v.forEach((item, i) => {
    const at = [...path, i];
    if (typeof item === 'object' && item !== null) {
      const o = item as Raw;
      const target = Number(o.target);
      if (!Number.isInteger(target) || target < 1 || target > 65535) return report(at, `invalid port target ${JSON.stringify(o.target)}`);
      const published = o.published === undefined ? undefined : Number(o.published);
      if (published !== undefined && (!Number.isInteger(published) || published < 0 || published > 65535)) return report(at, `invalid published port ${JSON.stringify(o.published)}`);
      const protocol = String(o.protocol ?? 'tcp') as PortDef['protocol'];
      if (!PROTOCOLS.has(protocol)) return report(at, `invalid protocol ${protocol}`);
      out.push({ target, ...(published ? { published } : {}), protocol, mode: o.mode === 'host' ? 'host' : 'ingress', ...(o.host_ip ? { host_ip: String(o.host_ip) } : {}) });
      return;
    }
    const s = String(item);
    const m = /^(?:(?:\[?([0-9a-fA-F.:]+?)\]?):)??(?:(\d+)(?:-(\d+))?:)?(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(s);
    if (!m) return report(at, `Invalid port "${s}", should be [[remote_ip:]remote_port[-remote_port]:]port[/protocol]`);
    const [, hostIp, pubA, pubB, tgtA, tgtB, proto = 'tcp'] = m;
    if (!PROTOCOLS.has(proto)) return report(at, `Invalid port "${s}": unknown protocol ${proto}`);
    const t0 = Number(tgtA);
    const t1 = tgtB ? Number(tgtB) : t0;
    const p0 = pubA ? Number(pubA) : undefined;
    const p1 = pubB ? Number(pubB) : p0;
    if (t0 < 1 || t1 > 65535 || t1 < t0 || (p0 !== undefined && (p0 < 1 || p1! > 65535))) return report(at, `Invalid port "${s}": out of range`);
    if (p0 !== undefined && p1! - p0 !== t1 - t0) return report(at, `Invalid port "${s}": port ranges don't match in length`);
    for (let k = 0; k <= t1 - t0; k++) {
      out.push({ target: t0 + k, ...(p0 !== undefined ? { published: p0 + k } : {}), protocol: proto as PortDef['protocol'], mode: 'ingress', ...(hostIp ? { host_ip: hostIp } : {}) });
    }
  });
  return out;
}

export function parseVolumes(v: unknown, projectDir: string, path: (string | number)[], report: Report): MountDef[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    report(path, `${path.join('.')} contains an invalid type, it should be an array`);
    return [];
  }
  const out: MountDef[] = [];
  v.forEach((item, i) => {
    const at = [...path, i];
    if (typeof item === 'object' && item !== null) {
      const o = item as Raw;
      const type = String(o.type ?? 'volume') as MountDef['type'];
      if (!['volume', 'bind', 'tmpfs'].includes(type)) return report(at, `invalid mount type ${type}`);
      if (typeof o.target !== 'string') return report(at, `${[...path, i].join('.')} target is required`);
      let source = o.source === undefined ? undefined : String(o.source);
      if (type === 'bind' && source) source = bindPath(source, projectDir);
      out.push({ type, ...(source ? { source } : {}), target: o.target, ...(o.read_only ? { read_only: true } : {}) });
      return;
    }
    const s = String(item);
    const parts = s.split(':');
    if (parts.length === 1) return void out.push({ type: 'volume', target: parts[0] });
    const [src, target, mode = ''] = parts;
    if (!target?.startsWith('/')) return report(at, `invalid volume specification: '${s}'`);
    const ro = mode.split(',').includes('ro');
    const isPath = src.startsWith('.') || src.startsWith('/') || src.startsWith('~');
    out.push(isPath ? { type: 'bind', source: bindPath(src, projectDir), target, ...(ro ? { read_only: true } : {}) } : { type: 'volume', source: src, target, ...(ro ? { read_only: true } : {}) });
  });
  return out;
}

function bindPath(p: string, projectDir: string): string {
  if (p.startsWith('~')) p = (process.env.HOME ?? '/root') + p.slice(1);
  return isAbsolute(p) ? p : resolve(projectDir, p);
}

function networks(v: unknown, path: (string | number)[], report: Report): ServiceDef['networks'] {
  if (v === undefined) return {};
  if (Array.isArray(v)) return Object.fromEntries(v.map((n) => [String(n), {}]));
  if (typeof v === 'object' && v !== null) {
    const out: ServiceDef['networks'] = {};
    for (const [k, val] of Object.entries(v as Raw)) {
      const o = (val ?? {}) as Raw;
      out[k] = {
        ...(Array.isArray(o.aliases) ? { aliases: o.aliases.map(String) } : {}),
        ...(o.ipv4_address ? { ipv4_address: String(o.ipv4_address) } : {}),
      };
    }
    return out;
  }
  report(path, `${path.join('.')} contains an invalid type, it should be an array, or an object`);
  return {};
}

function dependsOn(v: unknown): ServiceDef['depends_on'] {
  if (v === undefined) return {};
  if (Array.isArray(v)) return Object.fromEntries(v.map((n) => [String(n), { condition: 'service_started' }]));
  return Object.fromEntries(
    Object.entries(v as Raw).map(([k, o]) => [k, { condition: String((o as Raw | null)?.condition ?? 'service_started') }]),
  );
}

function healthcheck(v: unknown, path: (string | number)[], report: Report): HealthcheckDef | undefined {
  if (v === undefined || v === null) return undefined;
  const o = v as Raw;
  if (o.disable) return { disable: true, test: ['NONE'] };
  const h: HealthcheckDef = {};
  if (typeof o.test === 'string') h.test = ['CMD-SHELL', o.test];
  else if (Array.isArray(o.test)) h.test = o.test.map(String);
  for (const k of ['interval', 'timeout', 'start_period'] as const) {
    if (o[k] !== undefined) {
      try {
        h[k] = parseDuration(o[k]);
      } catch (e) {
        report([...path, k], `${[...path, k].join('.')}: ${(e as Error).message}`);
      }
    }
  }
  if (o.retries !== undefined) h.retries = Number(o.retries);
  return h;
}

function deploy(v: unknown, path: (string | number)[], report: Report): DeployDef | undefined {
  if (v === undefined || v === null) return undefined;
  const o = v as Raw;
  const d: DeployDef = {};
  if (o.mode !== undefined) {
    if (o.mode !== 'replicated' && o.mode !== 'global') report([...path, 'mode'], `${path.join('.')}.mode must be replicated or global`);
    else d.mode = o.mode;
  }
  if (o.replicas !== undefined) {
    const r = Number(o.replicas);
    if (!Number.isInteger(r) || r < 0) report([...path, 'replicas'], `${path.join('.')}.replicas must be a non-negative integer`);
    else d.replicas = r;
  }
  if (o.labels) d.labels = toStringMap(o.labels, [...path, 'labels'], report);
  const res = o.resources as Raw | undefined;
  if (res) {
    const part = (x: Raw | undefined, name: string) => {
      if (!x) return undefined;
      const out: Record<string, number> = {};
      try {
        if (x.cpus !== undefined) out.cpus = Number(x.cpus);
        if (x.memory !== undefined) out.memory = parseSize(x.memory);
        if (x.pids !== undefined) out.pids = Number(x.pids);
      } catch (e) {
        report([...path, 'resources', name], (e as Error).message);
      }
      return out;
    };
    d.resources = { limits: part(res.limits as Raw, 'limits'), reservations: part(res.reservations as Raw, 'reservations') };
  }
  const rp = o.restart_policy as Raw | undefined;
  if (rp) {
    d.restart_policy = {};
    if (rp.condition) d.restart_policy.condition = String(rp.condition) as 'none';
    try {
      if (rp.delay !== undefined) d.restart_policy.delay = parseDuration(rp.delay);
      if (rp.window !== undefined) d.restart_policy.window = parseDuration(rp.window);
    } catch (e) {
      report([...path, 'restart_policy'], (e as Error).message);
    }
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
  if (o.update_config) d.update_config = o.update_config as Raw;
  if (o.rollback_config) d.rollback_config = o.rollback_config as Raw;
  if (o.endpoint_mode) d.endpoint_mode = o.endpoint_mode as 'vip';
  return d;
}

/** One raw (already interpolated, merged) service to its canonical form. */
export function normalizeService(
  name: string,
  raw: Raw,
  projectDir: string,
  env: Record<string, string | undefined>,
  report: Report,
): ServiceDef {
  const p = ['services', name];
  for (const k of Object.keys(raw)) {
    if (!SERVICE_KEYS.has(k) && !k.startsWith('x-')) report([...p, k], `services.${name} Additional property ${k} is not allowed`);
  }
  const str = (k: string) => (raw[k] === undefined || raw[k] === null ? undefined : String(raw[k]));
  const s: ServiceDef = {
    name,
    environment: toStringMap(raw.environment, [...p, 'environment'], report, env),
    labels: toStringMap(raw.labels, [...p, 'labels'], report),
    ports: parsePorts(raw.ports, [...p, 'ports'], report),
    expose: Array.isArray(raw.expose) ? raw.expose.map(String) : [],
    volumes: parseVolumes(raw.volumes, projectDir, [...p, 'volumes'], report),
    networks: networks(raw.networks, [...p, 'networks'], report),
    depends_on: dependsOn(raw.depends_on),
  };
  if (raw.image !== undefined) s.image = String(raw.image);
  if (raw.build !== undefined) {
    const b = typeof raw.build === 'string' ? { context: raw.build } : (raw.build as Raw);
    s.build = {
      context: resolve(projectDir, String(b.context ?? '.')),
      ...(b.dockerfile ? { dockerfile: String(b.dockerfile) } : {}),
      ...(b.args ? { args: toStringMap(b.args, [...p, 'build', 'args'], report) } : {}),
      ...(b.target ? { target: String(b.target) } : {}),
    };
  }
  const cmd = command(raw.command, [...p, 'command'], report);
  if (cmd) s.command = cmd;
  const ep = command(raw.entrypoint, [...p, 'entrypoint'], report);
  if (ep) s.entrypoint = ep;
  const nm = str('network_mode') ?? str('net');
  if (nm) s.network_mode = nm;
  const dep = deploy(raw.deploy, [...p, 'deploy'], report);
  if (dep) s.deploy = dep;
  for (const k of ['restart', 'working_dir', 'user', 'hostname', 'stop_signal', 'container_name'] as const) {
    const v = str(k);
    if (v !== undefined) s[k] = v;
  }
  const hc = healthcheck(raw.healthcheck, [...p, 'healthcheck'], report);
  if (hc) s.healthcheck = hc;
  if (raw.stop_grace_period !== undefined) {
    try {
      s.stop_grace_period = parseDuration(raw.stop_grace_period);
    } catch (e) {
      report([...p, 'stop_grace_period'], `services.${name}.stop_grace_period: ${(e as Error).message}`);
    }
  }
  for (const k of ['tty', 'stdin_open', 'init', 'read_only', 'privileged'] as const) if (raw[k] !== undefined) s[k] = Boolean(raw[k]);
  for (const k of ['extra_hosts', 'dns', 'cap_add', 'cap_drop', 'profiles'] as const) {
    const v = raw[k];
    if (v === undefined) continue;
    if (k === 'extra_hosts' && v && typeof v === 'object' && !Array.isArray(v)) s.extra_hosts = Object.entries(v as Raw).map(([h, ip]) => `${h}:${ip}`);
    else s[k] = (Array.isArray(v) ? v : [v]).map(String);
  }
  if (raw.sysctls) s.sysctls = toStringMap(raw.sysctls, [...p, 'sysctls'], report);
  if (raw.scale !== undefined) s.scale = Number(raw.scale);
  if (!s.image && !s.build) report(p, `Service ${name} has neither an image nor a build context specified. At least one must be provided.`);
  if (s.container_name && (s.deploy?.replicas ?? s.scale ?? 1) > 1) {
    report([...p, 'container_name'], `services.${name}: container_name cannot be used with more than one replica`);
  }
  return s;
}
