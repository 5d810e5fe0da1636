/**
 * docker-compose 1.29's `Service.config_dict()`: what `config --hash` hashes and what `up` labels its
 * containers with (com.docker.compose.config-hash). Built from the service dicts `config` prints
 * (config129Document), turned back into the shapes 1.29 holds in memory once its Project is made:
 * ports, volumes and security_opt as namedtuples (lists in JSON), volumes named for the project,
 * healthcheck durations in ns, restart as a dict, deploy folded into container options, and the keys
 * the Service takes apart (networks, links, secrets...) moved out of `options`.
 * Pure: what only the engine knows (image IDs, container IDs) comes in as EngineFacts129.
 */
import type { Raw } from './merge';
import type { ComposeProject, ProjectSource } from './model';
import { config129Document, mountDict, parsePort, volumeSpec } from './config-1-29';
import { PyFloat, type PyValue } from './pyyaml-dump';
import { jsonHash129 } from './py-json';

/** What 1.29 asks the engine while it builds the dict. */
export interface EngineFacts129 {
  /** Local image ID by image name; null or missing: the engine has no such image (1.29 hashes null). */
  imageIds: ReadonlyMap<string, string | null>;
  /** Full container ID by the name or ID `container:X` gives (ipc, network_mode, pid, volumes_from). */
  containerIds: ReadonlyMap<string, string>;
  /** ID of the first running container of a service of this project (`ipc: service:X`); missing: none. */
  serviceContainers: ReadonlyMap<string, string>;
}

/** The questions for the engine behind EngineFacts129, for the named services. */
export interface EngineQuestions129 {
  images: string[];
  containers: { service: string; name: string; use: 'ipc' | 'network' | 'pid' | 'volumes_from' }[];
  services: string[];
}

/** What 1.29 refuses while it makes its Project (after `config` accepted the file), in its words. */
export class ProjectError129 extends Error {
  override name = 'ProjectError129';
}

type Dict = Record<string, PyValue>;
const isMap = (v: unknown): v is Raw => !!v && typeof v === 'object' && !Array.isArray(v);
const nullish = (v: PyValue) => (v === undefined ? null : v);

/** The image 1.29 inspects: `image:`, else the name it builds under (`PROJECT_SERVICE`, project without leading _ or -). */
export function imageName129(project: ComposeProject, service: string): string {
  const image = project.source?.services[service]?.image;
  return typeof image === 'string' ? image : `${project.name.replace(/^[-_]+/, '')}_${service}`;
}

function source(project: ComposeProject): ProjectSource {
  if (!project.source) throw new Error('project has no source: load it with loadProject');
  return project.source;
}

/** `container:X` → X (1.29's get_container_name_from_network_mode), `service:X` likewise. */
const after = (prefix: string, v: unknown) => (typeof v === 'string' && v.startsWith(prefix) ? v.slice(prefix.length) : undefined);

/** network_mode as 1.29 keeps it: v1's `net:` already turned into it by the printed dict, v1's added `bridge` not. */
function networkMode(raw: Raw, printed: Dict): string | undefined {
  if (raw.network_mode === undefined && raw.net === undefined) return undefined;
  const m = printed.network_mode;
  return typeof m === 'string' && m !== '' ? m : undefined;
}

export function engineQuestions129(project: ComposeProject, services: readonly string[]): EngineQuestions129 {
  const src = source(project);
  const doc = config129Document(project, src).services as Record<string, Dict>;
  const q: EngineQuestions129 = { images: [], containers: [], services: [] };
  for (const name of services) {
    const raw = src.services[name] ?? {};
    q.images.push(imageName129(project, name));
    // In 1.29's order (Project.from_config): ipc, network_mode, pid, volumes_from.
    const ipc = after('container:', raw.ipc);
    if (ipc !== undefined) q.containers.push({ service: name, name: ipc, use: 'ipc' });
    const net = after('container:', networkMode(raw, doc[name]));
    if (net !== undefined) q.containers.push({ service: name, name: net, use: 'network' });
    const pid = after('container:', raw.pid);
    if (pid !== undefined) q.containers.push({ service: name, name: pid, use: 'pid' });
    for (const v of Array.isArray(doc[name].volumes_from) ? doc[name].volumes_from : []) {
      const from = after('container:', v);
      if (from !== undefined) q.containers.push({ service: name, name: from.slice(0, from.lastIndexOf(':')), use: 'volumes_from' });
    }
    const ipcService = after('service:', raw.ipc);
    if (ipcService !== undefined) q.services.push(ipcService);
  }
  return q;
}

/** A top-level network's or volume's engine name: its `name:` (external ones have one), else PROJECT_KEY. */
function trueName(project: ComposeProject, section: unknown, key: string): string {
  const conf = isMap(section) ? section[key] : undefined;
  return isMap(conf) && typeof conf.name === 'string' ? conf.name : `${project.name}_${key}`;
}

/** 1.29's get_networks: by priority (highest first) when any has one, else by engine name. */
function serviceNetworks(project: ComposeProject, raw: Raw, printed: Dict, sections: Dict): [string, PyValue][] {
  if (raw.network_mode !== undefined) return [];
  const defs = isMap(printed.networks) ? (printed.networks as Dict) : { default: null };
  const named = Object.entries(defs).map(([k, conf]): [string, PyValue] => [trueName(project, sections.networks, k), conf ?? {}]);
  const priority = (c: PyValue) => (isMap(c) && typeof c.priority === 'number' ? c.priority : 0);
  if (named.some(([, c]) => priority(c))) return named.sort((a, b) => priority(b[1]) - priority(a[1]));
  return named.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** timeparse + nanoseconds_from_time_seconds, float arithmetic and all (0.3s is 300000000, not rounded). */
const DURATION = /^\s*(?:([\d.]+)h)?(?:([\d.]+)m)?(?:([\d.]+)s)?(?:([\d.]+)ms)?(?:([\d.]+)(?:us|µs))?(?:([\d.]+)ns)?\s*$/i;
const SECONDS = [60 * 60, 60, 1, 1.0 / 1000, 1.0 / 1000.0 / 1000, 1.0 / 1000.0 / 1000.0 / 1000.0];
export function nanoseconds129(v: unknown): PyValue {
  if (typeof v !== 'string') return v as PyValue;
  const m = DURATION.exec(v);
  if (!m) return null;
  let seconds = 0;
  m.slice(1).forEach((x, i) => {
    if (x !== undefined) seconds += SECONDS[i] * Number(x);
  });
  return Math.trunc(seconds / SECONDS[5]);
}

function healthcheck(h: Raw): Dict {
  const out = { ...h } as Dict;
  if ('disable' in out) {
    delete out.disable;
    out.test = ['NONE'];
  }
  for (const k of ['interval', 'timeout', 'start_period']) if (k in out) out[k] = nanoseconds129(out[k]);
  return out;
}

/** parse_restart_spec of the printed `name[:N]`. */
function restartSpec(v: PyValue): PyValue {
  if (!v) return null;
  const [name, retries] = String(v).split(':');
  return { Name: name, MaximumRetryCount: retries ? Number(retries) : 0 };
}

const RESTART_CONDITION: Record<string, string> = { any: 'always', none: 'no', 'on-failure': 'on-failure' };

/** translate_deploy_keys_to_container_config and get_device_requests: what `deploy:` leaves in the options. */
function foldDeploy(o: Dict, deploy: Raw): void {
  const policy = deploy.restart_policy;
  if (isMap(policy)) {
    const condition = String(policy.condition ?? 'any');
    if (!Object.hasOwn(RESTART_CONDITION, condition)) throw new ProjectError129(`Invalid restart policy "${condition}"`);
    o.restart = { Name: RESTART_CONDITION[condition], MaximumRetryCount: (policy.max_attempts as PyValue) ?? 0 };
  }
  const res = isMap(deploy.resources) ? deploy.resources : {};
  if (isMap(res.limits)) {
    o.mem_limit = nullish(res.limits.memory as PyValue);
    if ('cpus' in res.limits) o.cpus = new PyFloat(Number(res.limits.cpus));
  }
  if (isMap(res.reservations)) o.mem_reservation = nullish(res.reservations.memory as PyValue);
  const devices = isMap(res.reservations) ? res.reservations.devices : undefined;
  if (Array.isArray(devices) && devices.length) {
    o.device_requests = devices.map((d: Raw) => {
      const dev = { ...d } as Dict;
      if ('count' in dev && typeof dev.count !== 'number') dev.count = -1; // "all" (anything else the schema refuses)
      if ('capabilities' in dev) dev.capabilities = [dev.capabilities];
      return dev;
    });
  }
}

/** The keys the Project hands to the Service apart from its options, or drops. */
const NOT_OPTIONS = ['networks', 'links', 'network_mode', 'pid', 'ipc', 'volumes_from', 'secrets', 'scale', 'platform', 'credential_spec', 'configs', 'deploy'];

/** `Service.options` as 1.29 holds it for a service. */
export function serviceOptions129(project: ComposeProject, name: string, doc: Dict = config129Document(project, source(project))): Dict {
  const src = source(project);
  const raw = src.services[name] ?? {};
  const printed = (doc.services as Record<string, Dict>)[name];
  const o: Dict = { ...printed };
  for (const k of NOT_OPTIONS) delete o[k];
  if (src.v1 && raw.network_mode === undefined && raw.net === undefined) delete o.network_mode;
  if (Array.isArray(raw.volumes) || !src.v1) {
    // v2+: named volumes carry the project's name (ProjectVolumes.namespace_spec); the key is always there.
    const named = (v: string | null | undefined) => !src.v1 && !!v && !/^[./~]/.test(v);
    o.volumes = (Array.isArray(raw.volumes) ? raw.volumes : []).map((v: unknown): PyValue => {
      if (isMap(v)) {
        const m = mountDict(v, false) as Dict;
        if (v.type === 'volume' && named(m.source as string)) m.source = trueName(project, doc.volumes, m.source as string);
        return m;
      }
      const [ext, internal, mode] = volumeSpec(String(v));
      return [named(ext) ? trueName(project, doc.volumes, ext!) : ext, internal, mode];
    });
  }
  // (An address with no host port, `127.0.0.1::80`, holds published None: the printed form cannot tell.)
  if (Array.isArray(raw.ports)) o.ports = raw.ports.flatMap(parsePort).map((p) => [p.target, p.published === '' ? null : p.published, p.protocol, p.mode, p.external_ip].map((x) => x ?? null));
  if (isMap(raw.healthcheck)) o.healthcheck = healthcheck(raw.healthcheck);
  if ('restart' in o) o.restart = restartSpec(o.restart);
  // SecurityOpt(value, None). (`seccomp=FILE` holds the file's JSON in 1.29: not read here, so such a hash differs.)
  if (Array.isArray(raw.security_opt) && raw.security_opt.length) o.security_opt = raw.security_opt.map((v) => [v as PyValue, null]);
  if (isMap(raw.credential_spec)) {
    const c = raw.credential_spec;
    o.security_opt = [`credentialspec=${'file' in c ? `file://${String(c.file)}` : `registry://${String(c.registry)}`}`];
  }
  if (isMap(raw.deploy)) foldDeploy(o, raw.deploy);
  o.device_requests ??= null;
  o.platform = nullish(printed.platform);
  return o;
}

/** 1.29's config_dict for one service. */
export function configDict129(project: ComposeProject, name: string, facts: EngineFacts129): Dict {
  const src = source(project);
  const doc = config129Document(project, src);
  const raw = src.services[name] ?? {};
  const printed = (doc.services as Record<string, Dict>)[name];
  const networks = src.v1 ? [] : serviceNetworks(project, raw, printed, doc);
  const mode = networkMode(raw, printed);
  let net: PyValue = null;
  if (mode === undefined) net = src.v1 ? null : (networks[0]?.[0] ?? 'none');
  else if (mode.startsWith('service:')) net = mode.slice(8);
  else if (mode.startsWith('container:')) net = facts.containerIds.get(mode.slice(10)) ?? null;
  else net = mode;
  const ipc = typeof raw.ipc === 'string' && raw.ipc !== '' ? raw.ipc : undefined;
  let ipcMode: PyValue = ipc ?? null;
  const ipcService = after('service:', ipc);
  const ipcContainer = after('container:', ipc);
  if (ipcService !== undefined) ipcMode = facts.serviceContainers.has(ipcService) ? `container:${facts.serviceContainers.get(ipcService)}` : null;
  else if (ipcContainer !== undefined) ipcMode = `container:${facts.containerIds.get(ipcContainer) ?? ipcContainer}`;
  const secretDefs = isMap(doc.secrets) ? doc.secrets : {};
  const secrets = (Array.isArray(raw.secrets) ? raw.secrets : []).flatMap((s: unknown): PyValue[] => {
    const e = isMap(s) ? s : { source: s };
    const def = secretDefs[String(e.source)];
    if (isMap(def) && def.external) return []; // 1.29 leaves external secrets out (with a warning)
    const tuple = ['source', 'target', 'uid', 'gid', 'mode', 'name'].map((k) => nullish(e[k] as PyValue));
    return [{ secret: tuple, file: isMap(def) ? nullish(def.file as PyValue) : null }];
  });
  const volumesFrom = (Array.isArray(printed.volumes_from) ? printed.volumes_from : []).flatMap((v): PyValue[] => {
    const [type, from, m] = String(v).split(':');
    return type === 'service' ? [[from, m]] : [];
  });
  const links = (Array.isArray(raw.links) ? raw.links : []).map((l: unknown): PyValue => {
    const s = String(l);
    const i = s.indexOf(':');
    return i < 0 ? [s, null] : [s.slice(0, i), s.slice(i + 1)];
  });
  return {
    options: serviceOptions129(project, name, doc),
    image_id: facts.imageIds.get(imageName129(project, name)) ?? null,
    links,
    net,
    ipc_mode: ipcMode,
    networks: Object.fromEntries(networks),
    secrets,
    volumes_from: volumesFrom,
  };
}

/** `docker-compose config --hash` for one service (and 1.29's com.docker.compose.config-hash label). */
export function configHash129(project: ComposeProject, name: string, facts: EngineFacts129): string {
  return jsonHash129(configDict129(project, name, facts));
}
