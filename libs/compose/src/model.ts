/**
 * The canonical, normalised project: every short syntax already turned into
 * its long form, durations in nanoseconds, sizes in bytes, paths absolute.
 */
export interface PortDef {
  target: number;
  published?: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  mode: 'ingress' | 'host';
  host_ip?: string;
  /** The last port of a host range onto one target ("18000-18001:80"): 1.29 gives each container one free port of it. */
  published_end?: number;
}

export interface MountDef {
  type: 'volume' | 'bind' | 'tmpfs';
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string; selinux?: string; create_host_path?: boolean };
  volume?: { nocopy?: boolean };
  tmpfs?: { size?: number; mode?: number };
}

export interface HealthcheckDef {
  test?: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  start_period?: number;
  disable?: boolean;
}

export interface UpdateConfigDef {
  parallelism?: number;
  delay?: number;
  failure_action?: 'pause' | 'continue' | 'rollback';
  monitor?: number;
  max_failure_ratio?: number;
  order?: 'stop-first' | 'start-first';
}

export interface ResourceSetDef {
  cpus?: number;
  memory?: number;
  pids?: number;
}

export interface DeployDef {
  mode?: 'replicated' | 'global' | 'replicated-job' | 'global-job';
  replicas?: number;
  labels?: Record<string, string>;
  resources?: { limits?: ResourceSetDef; reservations?: ResourceSetDef };
  /** condition: any string, as 1.29's schema has it (`on_failure` loads; deploying it fails, as 1.29's `up` does). */
  restart_policy?: { condition?: string; delay?: number; max_attempts?: number; window?: number };
  placement?: { constraints?: string[]; preferences?: { spread: string }[]; max_replicas_per_node?: number };
  update_config?: UpdateConfigDef;
  rollback_config?: UpdateConfigDef;
  endpoint_mode?: 'vip' | 'dnsrr';
}

export interface FileRefDef {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface ServiceNetworkDef {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  priority?: number;
}

export interface ServiceDef {
  name: string;
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string | null>; target?: string; labels?: Record<string, string>; network?: string; cache_from?: string[]; shm_size?: number; extra_hosts?: string[] };
  command?: string[];
  entrypoint?: string[];
  /**
   * `null`: a `KEY` with no value that the shell does not set either. 1.29 keeps it (config prints `KEY: null`)
   * and hands Docker the bare `KEY`, which takes it out of the image's environment.
   */
  environment: Record<string, string | null>;
  labels: Record<string, string>;
  ports: PortDef[];
  expose: string[];
  volumes: MountDef[];
  /** Networks the service joins; `default` when it names none (and has no network_mode). */
  networks: Record<string, ServiceNetworkDef>;
  network_mode?: string;
  depends_on: Record<string, { condition: 'service_started' | 'service_healthy' | 'service_completed_successfully' }>;
  links?: string[];
  external_links?: string[];
  volumes_from?: string[];
  secrets?: FileRefDef[];
  configs?: FileRefDef[];
  deploy?: DeployDef;
  restart?: string;
  working_dir?: string;
  user?: string;
  hostname?: string;
  domainname?: string;
  healthcheck?: HealthcheckDef;
  stop_grace_period?: number;
  stop_signal?: string;
  tty?: boolean;
  stdin_open?: boolean;
  init?: boolean;
  read_only?: boolean;
  extra_hosts?: string[];
  dns?: string[];
  dns_search?: string[];
  cap_add?: string[];
  cap_drop?: string[];
  sysctls?: Record<string, string>;
  ulimits?: Record<string, { soft: number; hard: number }>;
  logging?: { driver?: string; options?: Record<string, string> };
  scale?: number;
  container_name?: string;
  profiles?: string[];
  privileged?: boolean;
  platform?: string;
  pull_policy?: string;
  /** Keys kept as written (already interpolated) that flotilla does not model further. */
  extra?: Record<string, unknown>;
}

export interface NetworkDef {
  /** The network's real name: PROJECT_KEY unless `name:` or external. */
  name?: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv6?: boolean;
  labels?: Record<string, string>;
  ipam?: { driver?: string; config?: { subnet?: string; gateway?: string; ip_range?: string }[] };
}

export interface VolumeDef {
  /** The volume's real name: PROJECT_KEY unless `name:` or external. */
  name?: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
}

export interface SecretDef {
  name?: string;
  file?: string;
  environment?: string;
  external?: boolean;
  labels?: Record<string, string>;
}

export type ConfigDef = SecretDef & { content?: string };

export interface ComposeProject {
  name: string;
  workingDir: string;
  files: string[];
  services: Record<string, ServiceDef>;
  networks: Record<string, NetworkDef>;
  volumes: Record<string, VolumeDef>;
  secrets: Record<string, SecretDef>;
  configs: Record<string, ConfigDef>;
  warnings: string[];
  /** Every profile any service names, active or not (for `config --profiles`). */
  allProfiles?: string[];
  /** What docker-compose 1.29 would hold before normalising (for its `config` output). */
  source?: ProjectSource;
}

/** The project as read: the first file's version as written, the merged, extended, interpolated raw sections. */
export interface ProjectSource {
  /** `version:` of the first file as written; undefined when it has none. */
  version?: string;
  v1: boolean;
  /** Every service, also those whose profiles are inactive (1.29's `config` prints them all). */
  services: Record<string, Record<string, unknown>>;
  networks: Record<string, unknown>;
  volumes: Record<string, unknown>;
  secrets: Record<string, unknown>;
  configs: Record<string, unknown>;
  /** The variables interpolation saw (shell + .env): 1.29 fills `KEY` entries and build args from them. */
  env: Readonly<Record<string, string | undefined>>;
}

export type NormalizedService = ServiceDef;
