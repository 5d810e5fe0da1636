/**
 * Which compose file version introduced each key (the 2.x and 3.x lines
 * differ), so a key a declared version does not have can be reported.
 * docker-compose 1.29 validates every 2.x/3.x file against one schema and
 * accepts them; `docker stack deploy` validates 3.x files against the
 * declared version's schema and refuses them ("Additional property ... is not
 * allowed"). flotilla warns by default and refuses in strict mode.
 */
import type { Format } from './version';
import type { Path } from './positions';

/** [first 2.x version, first 3.x version]; null = not in that line at all. */
type Since = readonly [string | null, string | null];

const BOTH: Since = ['2.0', '3.0'];
const V2: Since = ['2.0', null];

const SERVICE: Record<string, Since> = {
  build: BOTH, cap_add: BOTH, cap_drop: BOTH, cgroup_parent: BOTH, command: BOTH, container_name: BOTH, depends_on: BOTH,
  devices: BOTH, dns: BOTH, dns_search: BOTH, domainname: BOTH, entrypoint: BOTH, env_file: BOTH, environment: BOTH,
  expose: BOTH, external_links: BOTH, extra_hosts: BOTH, hostname: BOTH, image: BOTH, ipc: BOTH, labels: BOTH, links: BOTH,
  logging: BOTH, mac_address: BOTH, network_mode: BOTH, networks: BOTH, pid: BOTH, ports: BOTH, privileged: BOTH,
  read_only: BOTH, restart: BOTH, security_opt: BOTH, shm_size: BOTH, stdin_open: BOTH, stop_grace_period: BOTH,
  stop_signal: BOTH, tmpfs: BOTH, tty: BOTH, ulimits: BOTH, user: BOTH, volumes: BOTH, working_dir: BOTH,
  cpu_shares: V2, cpu_quota: V2, cpuset: V2, extends: V2, mem_limit: V2, memswap_limit: V2, volume_driver: V2,
  volumes_from: V2, mem_swappiness: V2, oom_score_adj: V2, mem_reservation: V2,
  healthcheck: ['2.1', '3.0'], sysctls: ['2.1', '3.0'], userns_mode: ['2.1', '3.0'], group_add: ['2.1', null],
  isolation: ['2.1', '3.5'], oom_kill_disable: ['2.1', null], pids_limit: ['2.1', null], storage_opt: ['2.1', null],
  cpu_count: ['2.2', null], cpu_percent: ['2.2', null], cpus: ['2.2', null], init: ['2.2', '3.7'], scale: ['2.2', null],
  cpu_period: ['2.2', null], cpu_rt_period: ['2.2', null], cpu_rt_runtime: ['2.2', null],
  device_cgroup_rules: ['2.3', null], runtime: ['2.3', null], platform: ['2.4', null],
  deploy: [null, '3.0'], secrets: [null, '3.1'], configs: [null, '3.3'], credential_spec: [null, '3.3'],
};

/** Nested keys, as dotted paths below the service. */
const NESTED: Record<string, Since> = {
  'healthcheck.start_period': ['2.3', '3.4'],
  'build.target': ['2.3', '3.4'],
  'build.network': ['2.2', '3.4'],
  'build.cache_from': ['2.2', '3.2'],
  'build.labels': ['2.1', '3.3'],
  'build.shm_size': ['2.3', '3.5'],
  'build.isolation': ['2.1', '3.5'],
  'deploy.endpoint_mode': [null, '3.3'],
  'deploy.placement.preferences': [null, '3.3'],
  'deploy.placement.max_replicas_per_node': [null, '3.8'],
  'deploy.update_config.order': [null, '3.4'],
  'deploy.rollback_config': [null, '3.7'],
};

const cmp = (a: string, b: string) => {
  const [x1, x2 = 0] = a.split('.').map(Number);
  const [y1, y2 = 0] = b.split('.').map(Number);
  return x1 - y1 || x2 - y2;
};

function missing(since: Since | undefined, format: Format): string | undefined {
  if (!since || !format.version) return undefined;
  const line = format.kind === 'v2' ? since[0] : since[1];
  if (line === null) return `it is not part of any ${format.kind === 'v2' ? '2.x' : '3.x'} version`;
  if (cmp(format.version, line) < 0) return `it arrived in version ${line}`;
  return undefined;
}

export interface VersionKeyProblem {
  path: Path;
  /** docker/cli's wording (used in strict mode). */
  strict: string;
  /** The explanation used as a warning. */
  warning: string;
}

/** What a declared version lacks: service keys and nested paths, each with why (computed once per version). */
const lacking = new Map<string, { service: Map<string, string>; nested: [string[], string][] }>();

function lacksFor(format: Format) {
  const id = `${format.kind}@${format.version}`;
  let l = lacking.get(id);
  if (!l) {
    l = { service: new Map(), nested: [] };
    for (const [k, since] of Object.entries(SERVICE)) {
      const why = missing(since, format);
      if (why) l.service.set(k, why);
    }
    for (const [dotted, since] of Object.entries(NESTED)) {
      const why = missing(since, format);
      if (why) l.nested.push([dotted.split('.'), why]);
    }
    lacking.set(id, l);
  }
  return l;
}

/** Keys of the services of a 2.x/3.x file that its declared version does not have. */
export function keysOutsideVersion(services: Record<string, unknown>, format: Format): VersionKeyProblem[] {
  if ((format.kind !== 'v2' && format.kind !== 'v3') || !format.version) return [];
  const lacks = lacksFor(format);
  const out: VersionKeyProblem[] = [];
  const add = (path: Path, parent: string, key: string, why: string) =>
    out.push({
      path,
      strict: `${parent} Additional property ${key} is not allowed`,
      warning: `${parent}.${key} is not part of compose file version ${format.version} (${why}); read anyway, as docker-compose 1.29 does`,
    });
  for (const name in services) {
    const svc = services[name];
    if (!svc || typeof svc !== 'object' || name.startsWith('x-')) continue;
    const s = svc as Record<string, unknown>;
    for (const k in s) {
      const why = lacks.service.get(k);
      if (why) add(['services', name, k], `services.${name}`, k, why);
    }
    for (const [parts, why] of lacks.nested) {
      if (!(parts[0] in s)) continue;
      let v: unknown = s;
      for (let i = 0; i < parts.length - 1; i++) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[parts[i]] : undefined;
      const last = parts[parts.length - 1];
      if (!v || typeof v !== 'object' || !(last in (v as object))) continue;
      add(['services', name, ...parts], ['services', name, ...parts.slice(0, -1)].join('.'), last, why);
    }
  }
  return out;
}
