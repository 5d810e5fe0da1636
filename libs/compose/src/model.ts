/** The canonical, normalised project: every short syntax already turned into its long form. */
export interface PortDef {
  target: number;
  published?: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  mode: 'ingress' | 'host';
  host_ip?: string;
}

export interface MountDef {
  type: 'volume' | 'bind' | 'tmpfs';
  source?: string;
  target: string;
  read_only?: boolean;
}

export interface HealthcheckDef {
  test?: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  start_period?: number;
  disable?: boolean;
}

export interface DeployDef {
  mode?: 'replicated' | 'global';
  replicas?: number;
  labels?: Record<string, string>;
  resources?: {
    limits?: { cpus?: number; memory?: number; pids?: number };
    reservations?: { cpus?: number; memory?: number };
  };
  restart_policy?: { condition?: 'none' | 'on-failure' | 'any'; delay?: number; max_attempts?: number; window?: number };
  placement?: { constraints?: string[]; preferences?: { spread: string }[]; max_replicas_per_node?: number };
  update_config?: Record<string, unknown>;
  rollback_config?: Record<string, unknown>;
  endpoint_mode?: 'vip' | 'dnsrr';
}

export interface ServiceDef {
  name: string;
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string>; target?: string };
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string>;
  labels: Record<string, string>;
  ports: PortDef[];
  expose: string[];
  volumes: MountDef[];
  networks: Record<string, { aliases?: string[]; ipv4_address?: string }>;
  network_mode?: string;
  depends_on: Record<string, { condition: string }>;
  deploy?: DeployDef;
  restart?: string;
  working_dir?: string;
  user?: string;
  hostname?: string;
  healthcheck?: HealthcheckDef;
  stop_grace_period?: number;
  stop_signal?: string;
  tty?: boolean;
  stdin_open?: boolean;
  init?: boolean;
  read_only?: boolean;
  extra_hosts?: string[];
  dns?: string[];
  cap_add?: string[];
  cap_drop?: string[];
  sysctls?: Record<string, string>;
  scale?: number;
  container_name?: string;
  profiles?: string[];
  privileged?: boolean;
}

export interface NetworkDef {
  name?: string;
  driver?: string;
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  labels?: Record<string, string>;
}

export interface VolumeDef {
  name?: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
}

export interface ComposeProject {
  name: string;
  workingDir: string;
  files: string[];
  services: Record<string, ServiceDef>;
  networks: Record<string, NetworkDef>;
  volumes: Record<string, VolumeDef>;
  secrets: Record<string, unknown>;
  configs: Record<string, unknown>;
  warnings: string[];
  /** Every profile any service names, active or not (for `config --profiles`). */
  allProfiles?: string[];
}

export type NormalizedService = ServiceDef;
