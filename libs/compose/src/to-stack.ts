import {
  LABEL,
  type ContainerSpec,
  type Mount,
  type NetworkSpec,
  type PortConfig,
  type RestartCondition,
  type RestartPolicy,
  type ServiceSpec,
  type StackDeployRequest,
  type TaskSpec,
  type UpdateConfig,
  type VolumeSpec,
} from '@flotilla/contracts';
import type { ComposeProject, MountDef, PortDef, ServiceDef, UpdateConfigDef } from './model';
import { dependencyOrder, serviceDependencies } from './deps';
import { ComposeError } from './errors';

export { dependencyOrder };

const L = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  stack: 'com.docker.stack.namespace',
  image: 'com.docker.stack.image',
  builtImage: 'com.docker.compose.image',
};

/**
 * The project as the cluster's objects: one ServiceSpec per compose service
 * (named PROJECT_SERVICE, as `docker stack deploy` names them), the networks
 * and named volumes they use, services in dependency order.
 */
export interface ToStackOptions {
  scale?: Record<string, number>;
  /**
   * The condition of a service without `restart:` or `deploy.restart_policy`:
   * Swarm's `any` for a stack; docker-compose 1.29 leaves such a container
   * dead once it exits, so its verbs ask for `none`.
   */
  defaultRestart?: RestartCondition;
  /**
   * The local ID of the image the project built that each service runs, by service: put on its containers as
   * `com.docker.compose.image` (as Compose v2 labels them), so a rebuilt image changes the spec and
   * `up` recreates the service's containers, as 1.29 does (its config hash holds the image ID).
   */
  imageIds?: Readonly<Record<string, string>>;
  /**
   * A host range onto one port ("18000-18001:80"): Swarm's stack deploy publishes every port of it through
   * the mesh (`mesh`, a stack's reading); docker-compose 1.29 gives each container one free port of it on
   * its own host (`per-container`, what the compose verbs ask: one host-mode port carrying the range).
   */
  hostRanges?: 'mesh' | 'per-container';
  /**
   * `container_name`: docker-compose 1.29 names the service's container so, and other containers reach it by
   * that name (what the compose verbs ask); Swarm's stack deploy ignores it, as a stack's reading does.
   */
  containerNames?: boolean;
}

export function toStack(project: ComposeProject, opts: ToStackOptions = {}): StackDeployRequest {
  const p = project.name;
  const usedNets = new Set<string>();
  const services: ServiceSpec[] = [];
  // v1 `links: [db:database]`: on an overlay network the link's alias becomes a network alias of its target.
  const linkAliases = new Map<string, Set<string>>();
  for (const s of Object.values(project.services)) {
    for (const l of s.links ?? []) {
      const [target, alias] = l.split(':');
      if (alias && alias !== target) linkAliases.set(target, (linkAliases.get(target) ?? new Set()).add(alias));
    }
  }
  for (const name of dependencyOrder(project)) {
    const s = project.services[name];
    const nets = s.network_mode ? {} : Object.keys(s.networks).length ? s.networks : { default: {} };
    for (const n of Object.keys(nets)) usedNets.add(n);
    services.push(serviceSpec(project, s, nets, opts, [...(linkAliases.get(name) ?? [])].sort()));
  }
  const networks: NetworkSpec[] = [];
  for (const n of [...usedNets].sort()) {
    const def = project.networks[n] ?? {};
    if (def.external) continue;
    networks.push({
      Name: def.name ?? `${p}_${n}`,
      Labels: { ...def.labels, [L.project]: p, [L.network]: n, [L.stack]: p },
      ...(def.driver ? { DriverConfiguration: { Name: def.driver, ...(def.driver_opts ? { Options: def.driver_opts } : {}) } } : {}),
      ...(def.attachable ? { Attachable: true } : {}),
      ...(def.internal ? { Internal: true } : {}),
      ...(def.enable_ipv6 ? { IPv6Enabled: true } : {}),
      ...(def.ipam
        ? {
            IPAMOptions: {
              ...(def.ipam.driver ? { Driver: { Name: def.ipam.driver } } : {}),
              ...(def.ipam.config ? { Configs: def.ipam.config.map((c) => ({ ...(c.subnet ? { Subnet: c.subnet } : {}), ...(c.gateway ? { Gateway: c.gateway } : {}), ...(c.ip_range ? { Range: c.ip_range } : {}) })) } : {}),
            },
          }
        : {}),
    });
  }
  const volumes: VolumeSpec[] = [];
  for (const [v, def] of Object.entries(project.volumes).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (def?.external) continue;
    volumes.push({
      Name: def?.name ?? `${p}_${v}`,
      ...(def?.driver ? { Driver: def.driver } : {}),
      ...(def?.driver_opts ? { DriverOpts: def.driver_opts } : {}),
      Labels: { ...def?.labels, [L.project]: p, [L.volume]: v, [L.stack]: p },
    });
  }
  return { services, networks, volumes };
}

export function toServiceSpecs(project: ComposeProject, opts?: ToStackOptions): ServiceSpec[] {
  return toStack(project, opts).services;
}

function serviceSpec(project: ComposeProject, s: ServiceDef, nets: ServiceDef['networks'], opts: ToStackOptions, linkAliases: string[]): ServiceSpec {
  const scale = opts.scale?.[s.name];
  const p = project.name;
  const labels = { [L.project]: p, [L.service]: s.name, [L.stack]: p };
  const image = s.image ?? `${p}_${s.name}`;
  const builtId = opts.imageIds?.[s.name];
  const named = opts.containerNames && s.container_name ? s.container_name : undefined;
  const cs: ContainerSpec = {
    Image: image,
    ...(named ? { ContainerName: named } : {}),
    Labels: { ...s.labels, ...labels, ...(builtId ? { [L.builtImage]: builtId } : {}) },
    ...(s.entrypoint ? { Command: s.entrypoint } : {}),
    ...(s.command ? { Args: s.command } : {}),
    ...(Object.keys(s.environment).length ? { Env: Object.entries(s.environment).map(([k, v]) => (v === null ? k : `${k}=${v}`)).sort() } : {}),
    ...(s.hostname ? { Hostname: s.hostname } : {}),
    ...(s.working_dir ? { Dir: s.working_dir } : {}),
    ...(s.user ? { User: s.user } : {}),
    ...(s.tty ? { TTY: true } : {}),
    ...(s.stdin_open ? { OpenStdin: true } : {}),
    ...(s.read_only ? { ReadOnly: true } : {}),
    ...(s.init !== undefined ? { Init: s.init } : {}),
    ...(s.stop_grace_period !== undefined ? { StopGracePeriod: s.stop_grace_period } : {}),
    ...(s.stop_signal ? { StopSignal: s.stop_signal } : {}),
    ...(s.healthcheck?.disable ? { Healthcheck: { Test: ['NONE'] } } : {}),
    ...(s.healthcheck && !s.healthcheck.disable
      ? {
          Healthcheck: {
            ...(s.healthcheck.test ? { Test: s.healthcheck.test } : {}),
            ...(s.healthcheck.interval !== undefined ? { Interval: s.healthcheck.interval } : {}),
            ...(s.healthcheck.timeout !== undefined ? { Timeout: s.healthcheck.timeout } : {}),
            ...(s.healthcheck.retries !== undefined ? { Retries: s.healthcheck.retries } : {}),
            ...(s.healthcheck.start_period !== undefined ? { StartPeriod: s.healthcheck.start_period } : {}),
          },
        }
      : {}),
    ...(s.extra_hosts?.length ? { Hosts: s.extra_hosts.map(hostLine) } : {}),
    ...(s.dns?.length || s.dns_search?.length
      ? { DNSConfig: { ...(s.dns?.length ? { Nameservers: s.dns } : {}), ...(s.dns_search?.length ? { Search: s.dns_search } : {}) } }
      : {}),
    ...(s.cap_add?.length ? { CapabilityAdd: s.cap_add } : {}),
    ...(s.cap_drop?.length ? { CapabilityDrop: s.cap_drop } : {}),
    ...(s.sysctls ? { Sysctls: s.sysctls } : {}),
    ...(s.volumes.length ? { Mounts: s.volumes.map((m) => mount(project, m)) } : {}),
  };
  const d = s.deploy;
  const res = d?.resources;
  const task: TaskSpec = {
    ContainerSpec: cs,
    ...(res && (res.limits || res.reservations)
      ? {
          Resources: {
            ...(res.limits ? { Limits: resources(res.limits) } : {}),
            ...(res.reservations ? { Reservations: resources(res.reservations) } : {}),
          },
        }
      : {}),
    RestartPolicy: restartPolicy(project, s, opts.defaultRestart ?? 'any'),
    ...(s.logging?.driver ? { LogDriver: { Name: s.logging.driver, ...(s.logging.options ? { Options: s.logging.options } : {}) } } : {}),
    ...(d?.placement
      ? {
          Placement: {
            ...(d.placement.constraints ? { Constraints: d.placement.constraints } : {}),
            ...(d.placement.preferences ? { Preferences: d.placement.preferences.map((x) => ({ Spread: { SpreadDescriptor: x.spread } })) } : {}),
            ...(d.placement.max_replicas_per_node !== undefined ? { MaxReplicas: d.placement.max_replicas_per_node } : {}),
          },
        }
      : {}),
    ...(Object.keys(nets).length
      ? {
          Networks: Object.entries(nets)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([n, o]) => ({ Target: networkName(project, n), Aliases: [...new Set([s.name, ...(o.aliases ?? []), ...linkAliases, ...(named ? [named] : [])])] })),
        }
      : {}),
  };
  const replicas = scale ?? d?.replicas ?? s.scale ?? 1;
  // A range read as a stack may repeat a port written on its own too ("18000:80" with "18000-18001:80"): once.
  const ports = [...new Map(s.ports.flatMap((x) => portConfigs(x, opts.hostRanges ?? 'mesh')).map((c) => [JSON.stringify(c), c])).values()];
  const deps = dependsOnLabel(project, s);
  return {
    Name: `${p}_${s.name}`,
    Labels: { ...d?.labels, ...labels, [L.image]: image, ...(deps ? { [LABEL.dependsOn]: deps } : {}) },
    TaskTemplate: task,
    Mode: serviceMode(d?.mode, replicas),
    ...(d?.update_config ? { UpdateConfig: oneNamed(updateConfig(d.update_config), named) } : {}),
    ...(d?.rollback_config ? { RollbackConfig: oneNamed(updateConfig(d.rollback_config), named) } : {}),
    EndpointSpec: { Mode: d?.endpoint_mode ?? 'vip', ...(ports.length ? { Ports: ports } : {}) },
  };
}

/** A named container is replaced stop-first: its successor cannot take the name while it runs (1.29 stops, then recreates). */
function oneNamed<T extends { Order?: string }>(c: T, named: string | undefined): T {
  return named && c.Order === 'start-first' ? { ...c, Order: 'stop-first' } : c;
}

/** One compose port as the cluster publishes it (a host range: see ToStackOptions.hostRanges). */
function portConfigs(x: PortDef, hostRanges: 'mesh' | 'per-container'): PortConfig[] {
  const one = (published: number | undefined, mode: PortDef['mode']): PortConfig => ({
    Protocol: x.protocol,
    TargetPort: x.target,
    ...(published ? { PublishedPort: published } : {}),
    PublishMode: mode,
    ...(x.host_ip && published ? { HostIP: x.host_ip } : {}),
  });
  const end = x.published_end;
  if (!x.published || end === undefined || end <= x.published) return [one(x.published, x.mode)];
  if (hostRanges === 'per-container') return [{ ...one(x.published, 'host'), PublishedPortEnd: end }];
  return Array.from({ length: end - x.published + 1 }, (_, k) => one(x.published! + k, x.mode));
}

/**
 * What the service waits for, as the cluster names services: depends_on with its condition,
 * and links / volumes_from / `service:` modes as plain start order (service_started).
 */
function dependsOnLabel(project: ComposeProject, s: ServiceDef): string | undefined {
  const out: Record<string, string> = {};
  for (const dep of serviceDependencies(s)) {
    if (!project.services[dep]) continue;
    out[`${project.name}_${dep}`] = s.depends_on[dep]?.condition ?? 'service_started';
  }
  return Object.keys(out).length ? JSON.stringify(out) : undefined;
}

/** deploy.mode as `docker stack deploy` reads it: a replicated job runs `replicas` completions, as many at once. */
function serviceMode(mode: string | undefined, replicas: number): ServiceSpec['Mode'] {
  switch (mode) {
    case 'global':
      return { Global: {} };
    case 'global-job':
      return { GlobalJob: {} };
    case 'replicated-job':
      return { ReplicatedJob: { MaxConcurrent: replicas, TotalCompletions: replicas } };
    default:
      return { Replicated: { Replicas: replicas } };
  }
}

function networkName(project: ComposeProject, n: string): string {
  return project.networks[n]?.name ?? `${project.name}_${n}`;
}

function mount(project: ComposeProject, m: MountDef): Mount {
  const ro = m.read_only ? { ReadOnly: true } : {};
  const consistency = m.consistency ? { Consistency: m.consistency } : {};
  if (m.type === 'volume') {
    const def = m.source ? project.volumes[m.source] : undefined;
    const source = m.source ? (def?.name ?? `${project.name}_${m.source}`) : undefined;
    return {
      Type: 'volume',
      ...(source ? { Source: source } : {}),
      Target: m.target,
      ...ro,
      ...consistency,
      VolumeOptions: {
        ...(m.volume?.nocopy ? { NoCopy: true } : {}),
        Labels: { [L.stack]: project.name },
        ...(def?.driver && !def.external ? { DriverConfig: { Name: def.driver, ...(def.driver_opts ? { Options: def.driver_opts } : {}) } } : {}),
      },
    };
  }
  if (m.type === 'bind') {
    return { Type: 'bind', Source: m.source, Target: m.target, ...ro, ...consistency, ...(m.bind?.propagation ? { BindOptions: { Propagation: m.bind.propagation } } : {}) };
  }
  return {
    Type: 'tmpfs',
    Target: m.target,
    ...ro,
    ...(m.tmpfs ? { TmpfsOptions: { ...(m.tmpfs.size !== undefined ? { SizeBytes: m.tmpfs.size } : {}), ...(m.tmpfs.mode !== undefined ? { Mode: m.tmpfs.mode } : {}) } } : {}),
  };
}

function resources(r: { cpus?: number; memory?: number; pids?: number }) {
  return {
    ...(r.cpus !== undefined ? { NanoCPUs: Math.round(r.cpus * 1e9) } : {}),
    ...(r.memory !== undefined ? { MemoryBytes: r.memory } : {}),
    ...(r.pids !== undefined ? { Pids: r.pids } : {}),
  };
}

/** deploy.restart_policy wins; else compose's `restart:` mapped to Swarm's conditions; else `byDefault`. */
const SWARM_CONDITIONS: readonly RestartCondition[] = ['none', 'on-failure', 'any'];

function restartPolicy(project: ComposeProject, s: ServiceDef, byDefault: RestartCondition): RestartPolicy {
  const rp = s.deploy?.restart_policy;
  if (rp) {
    const condition = rp.condition ?? 'any';
    if (!SWARM_CONDITIONS.includes(condition as RestartCondition)) {
      // 1.29 loads any condition and refuses it at `up`, in these words.
      throw new ComposeError([{ file: project.files[0] ?? project.workingDir, message: `Service ${s.name}: Invalid restart policy "${condition}"` }]);
    }
    return {
      Condition: condition as RestartCondition,
      ...(rp.delay !== undefined ? { Delay: rp.delay } : {}),
      ...(rp.max_attempts !== undefined ? { MaxAttempts: rp.max_attempts } : {}),
      ...(rp.window !== undefined ? { Window: rp.window } : {}),
    };
  }
  const r = s.restart;
  if (r === 'no' || r === 'false') return { Condition: 'none' };
  if (r?.startsWith('on-failure')) {
    const n = Number(r.split(':')[1]);
    return { Condition: 'on-failure', ...(n ? { MaxAttempts: n } : {}) };
  }
  return { Condition: r === undefined ? byDefault : 'any' };
}

function updateConfig(u: UpdateConfigDef): UpdateConfig {
  return {
    ...(u.parallelism !== undefined ? { Parallelism: u.parallelism } : {}),
    ...(u.delay !== undefined ? { Delay: u.delay } : {}),
    ...(u.failure_action ? { FailureAction: u.failure_action } : {}),
    ...(u.monitor !== undefined ? { Monitor: u.monitor } : {}),
    ...(u.max_failure_ratio !== undefined ? { MaxFailureRatio: u.max_failure_ratio } : {}),
    ...(u.order ? { Order: u.order } : {}),
  };
}

function hostLine(h: string): string {
  const i = h.indexOf(':');
  return i > 0 ? `${h.slice(i + 1)} ${h.slice(0, i)}` : h;
}
