import yaml from 'js-yaml';
import { SCHEMA } from './load-yaml';
import type { ComposeProject, DeployDef, HealthcheckDef, PortDef, ServiceDef, UpdateConfigDef } from './model';
import { formatDuration } from './units';

type Doc = Record<string, unknown>;

const defined = (o: Doc): Doc => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const sortKeys = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const dur = (ns: number | undefined) => (ns === undefined ? undefined : formatDuration(ns));
const nonEmpty = <T extends object>(o: T | undefined) => (o && Object.keys(o).length ? o : undefined);

/** `$` doubled everywhere, so the printed file interpolates back to the same values. */
function escape(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\$/g, '$$$$');
  if (Array.isArray(v)) return v.map(escape);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escape(x)]));
  return v;
}

function healthcheck(h: HealthcheckDef): Doc {
  if (h.disable) return { disable: true };
  return defined({ test: h.test, interval: dur(h.interval), timeout: dur(h.timeout), retries: h.retries, start_period: dur(h.start_period) });
}

function updateConfig(u: UpdateConfigDef): Doc {
  return defined({
    parallelism: u.parallelism,
    delay: dur(u.delay),
    failure_action: u.failure_action,
    monitor: dur(u.monitor),
    max_failure_ratio: u.max_failure_ratio,
    order: u.order,
  });
}

function deploy(d: DeployDef): Doc {
  const rp = d.restart_policy;
  const res = d.resources;
  const set = (r: { cpus?: number; memory?: number; pids?: number } | undefined) =>
    r ? defined({ cpus: r.cpus !== undefined ? String(r.cpus) : undefined, memory: r.memory !== undefined ? String(r.memory) : undefined, pids: r.pids }) : undefined;
  return defined({
    mode: d.mode,
    replicas: d.replicas,
    endpoint_mode: d.endpoint_mode,
    labels: d.labels,
    resources: res ? defined({ limits: set(res.limits), reservations: set(res.reservations) }) : undefined,
    restart_policy: rp ? defined({ condition: rp.condition, delay: dur(rp.delay), max_attempts: rp.max_attempts, window: dur(rp.window) }) : undefined,
    placement: d.placement,
    update_config: d.update_config ? updateConfig(d.update_config) : undefined,
    rollback_config: d.rollback_config ? updateConfig(d.rollback_config) : undefined,
  });
}

function service(s: ServiceDef): Doc {
  const networks = s.network_mode
    ? undefined
    : Object.fromEntries(Object.entries(s.networks).map(([k, v]) => [k, Object.keys(v).length ? v : null]));
  const out: Doc = defined({
    ...(s.extra ?? {}),
    build: s.build,
    cap_add: s.cap_add,
    cap_drop: s.cap_drop,
    command: s.command,
    configs: s.configs,
    container_name: s.container_name,
    depends_on: nonEmpty(s.depends_on),
    deploy: s.deploy ? deploy(s.deploy) : undefined,
    dns: s.dns,
    dns_search: s.dns_search,
    domainname: s.domainname,
    entrypoint: s.entrypoint,
    environment: nonEmpty(s.environment),
    expose: s.expose.length ? s.expose : undefined,
    external_links: s.external_links,
    extra_hosts: s.extra_hosts,
    healthcheck: s.healthcheck ? healthcheck(s.healthcheck) : undefined,
    hostname: s.hostname,
    image: s.image,
    init: s.init,
    labels: nonEmpty(s.labels),
    links: s.links,
    logging: s.logging,
    network_mode: s.network_mode,
    networks,
    platform: s.platform,
    ports: s.ports.length ? s.ports.map(port) : undefined,
    privileged: s.privileged,
    profiles: s.profiles,
    pull_policy: s.pull_policy,
    read_only: s.read_only,
    restart: s.restart,
    scale: s.scale,
    secrets: s.secrets,
    stdin_open: s.stdin_open,
    stop_grace_period: dur(s.stop_grace_period),
    stop_signal: s.stop_signal,
    sysctls: s.sysctls,
    tty: s.tty,
    ulimits: s.ulimits,
    user: s.user,
    volumes: s.volumes.length
      ? s.volumes.map((m) => defined({ type: m.type, source: m.source, target: m.target, read_only: m.read_only, consistency: m.consistency, bind: m.bind, volume: m.volume, tmpfs: m.tmpfs }))
      : undefined,
    volumes_from: s.volumes_from,
    working_dir: s.working_dir,
  });
  return sortKeys(out);
}

/** The project as a Compose Specification document (what `compose config` prints). */
export function configDocument(project: ComposeProject): Doc {
  const services = sortKeys(Object.fromEntries(Object.entries(project.services).map(([n, s]) => [n, service(s)])));
  const doc: Doc = { services };
  if (Object.keys(project.networks).length) doc.networks = sortKeys(project.networks);
  if (Object.keys(project.volumes).length) doc.volumes = sortKeys(project.volumes);
  if (Object.keys(project.secrets).length) doc.secrets = sortKeys(project.secrets);
  if (Object.keys(project.configs).length) doc.configs = sortKeys(project.configs);
  return escape(doc) as Doc;
}

/** The normalised project in the Compose Specification's shape: `config --format json` (1.29's YAML is renderConfig129). Strings the loader would read as something else are quoted. */
export function renderConfig(project: ComposeProject, format: 'yaml' | 'json'): string {
  const doc = configDocument(project);
  return format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : yaml.dump(doc, { noRefs: true, lineWidth: -1, quotingType: '"', schema: SCHEMA });
}

/**
 * One port in the long form; a host range onto one port in the short one ("127.0.0.1:18000-18001:80/udp"),
 * the only form that carries a range (1.29 and this loader refuse a range as a long form's published).
 */
function port(p: PortDef): unknown {
  if (p.published_end === undefined) return defined({ mode: p.mode, host_ip: p.host_ip, target: p.target, published: p.published === undefined ? undefined : String(p.published), protocol: p.protocol });
  const ip = p.host_ip === undefined ? '' : p.host_ip.includes(':') ? `[${p.host_ip}]:` : `${p.host_ip}:`;
  return `${ip}${p.published}-${p.published_end}:${p.target}/${p.protocol}`;
}
