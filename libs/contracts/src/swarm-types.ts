/**
 * The cluster's object model, in the shapes of Docker Engine's swarm API
 * (API 1.41). Keeping the store in Docker's shapes means the Docker-compatible
 * API is a view, not a translation. Only the fields flotilla uses are typed;
 * everything is JSON-serialisable.
 */
import type { TaskState } from './task-state';

export interface Version {
  Index: number;
}

export interface Meta {
  ID: string;
  Version: Version;
  CreatedAt: string;
  UpdatedAt: string;
}

export type Labels = Record<string, string>;

// ---------------------------------------------------------------- nodes
export type NodeRole = 'worker' | 'manager';
export type NodeAvailability = 'active' | 'pause' | 'drain';
export type NodeStateName = 'unknown' | 'down' | 'ready' | 'disconnected';

export interface NodeSpec {
  Name?: string;
  Labels: Labels;
  Role: NodeRole;
  Availability: NodeAvailability;
}

export interface NodeResources {
  NanoCPUs: number;
  MemoryBytes: number;
}

export interface NodeDescription {
  Hostname: string;
  Platform: { Architecture: string; OS: string };
  Resources: NodeResources;
  Engine: { EngineVersion: string; Labels?: Labels };
  /** What the node last reported of its TLS state (roots it trusts, its certificate's issuer), as Docker's. */
  TLSInfo?: NodeTLSInfo;
}

/** Docker's TLSInfo: trusted roots (PEM) and the certificate issuer's raw subject and public key (DER, base64). */
export interface NodeTLSInfo {
  TrustRoot: string;
  CertIssuerSubject: string;
  CertIssuerPublicKey: string;
}

export interface NodeStatus {
  State: NodeStateName;
  Message?: string;
  Addr: string;
}

export interface ManagerStatus {
  Leader?: boolean;
  Reachability: 'unknown' | 'unreachable' | 'reachable';
  Addr: string;
}

export interface SwarmNode extends Meta {
  Spec: NodeSpec;
  Description: NodeDescription;
  Status: NodeStatus;
  ManagerStatus?: ManagerStatus;
}

// ---------------------------------------------------------------- services
export type MountType = 'bind' | 'volume' | 'tmpfs';

export interface Mount {
  Type: MountType;
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; CreateMountpoint?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Labels; DriverConfig?: { Name?: string; Options?: Record<string, string> } };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
}

export interface ContainerSpec {
  Image: string;
  /**
   * flotilla's own: the container's name on its engine, instead of Swarm's `service.slot.task` (compose's
   * `container_name`, as docker-compose names it; the engine's DNS answers it on the container's networks).
   */
  ContainerName?: string;
  Labels?: Labels;
  Command?: string[];
  Args?: string[];
  Hostname?: string;
  Env?: string[];
  Dir?: string;
  User?: string;
  Groups?: string[];
  TTY?: boolean;
  OpenStdin?: boolean;
  ReadOnly?: boolean;
  Mounts?: Mount[];
  StopSignal?: string;
  StopGracePeriod?: number;
  Healthcheck?: HealthConfig;
  Hosts?: string[];
  DNSConfig?: { Nameservers?: string[]; Search?: string[]; Options?: string[] };
  Init?: boolean;
  Sysctls?: Record<string, string>;
  CapabilityAdd?: string[];
  CapabilityDrop?: string[];
  Privileges?: unknown;
  Secrets?: SecretReference[];
  Configs?: ConfigReference[];
}

/** Where a secret or config appears in the container: a file, read-only. */
export interface FileTarget {
  Name: string;
  UID?: string;
  GID?: string;
  /** Permission bits, as a number (0o444 = 292). */
  Mode?: number;
}

export interface SecretReference {
  File?: FileTarget;
  SecretID: string;
  SecretName: string;
}

export interface ConfigReference {
  File?: FileTarget;
  /** Docker's credential-spec configs; flotilla only supports File. */
  Runtime?: Record<string, never>;
  ConfigID: string;
  ConfigName: string;
}

export interface ResourceSet {
  NanoCPUs?: number;
  MemoryBytes?: number;
  Pids?: number;
}

export type RestartCondition = 'none' | 'on-failure' | 'any';

export interface RestartPolicy {
  Condition?: RestartCondition;
  Delay?: number;
  MaxAttempts?: number;
  Window?: number;
}

export interface PlacementPreference {
  Spread: { SpreadDescriptor: string };
}

export interface Placement {
  Constraints?: string[];
  Preferences?: PlacementPreference[];
  MaxReplicas?: number;
  Platforms?: { Architecture?: string; OS?: string }[];
}

export interface NetworkAttachmentConfig {
  Target: string;
  Aliases?: string[];
  DriverOpts?: Record<string, string>;
}

export interface TaskSpec {
  ContainerSpec: ContainerSpec;
  Resources?: { Limits?: ResourceSet; Reservations?: ResourceSet };
  RestartPolicy?: RestartPolicy;
  Placement?: Placement;
  Networks?: NetworkAttachmentConfig[];
  LogDriver?: { Name: string; Options?: Record<string, string> };
  ForceUpdate?: number;
  Runtime?: string;
}

export type ServiceMode =
  | { Replicated: { Replicas?: number } }
  | { Global: Record<string, never> }
  /** Runs TotalCompletions tasks to completion, at most MaxConcurrent at once (swarm jobs, API 1.41). */
  | { ReplicatedJob: { MaxConcurrent?: number; TotalCompletions?: number } }
  /** Runs one task to completion on every eligible node. */
  | { GlobalJob: Record<string, never> };

/** Which run of a job the service is on: a `service update` starts the next one. */
export interface JobStatus {
  JobIteration: Version;
  LastExecution?: string;
}

export function isJobMode(mode: ServiceMode): boolean {
  return 'ReplicatedJob' in mode || 'GlobalJob' in mode;
}

export interface UpdateConfig {
  Parallelism?: number;
  Delay?: number;
  FailureAction?: 'pause' | 'continue' | 'rollback';
  Monitor?: number;
  MaxFailureRatio?: number;
  Order?: 'stop-first' | 'start-first';
}

export type PortProtocol = 'tcp' | 'udp' | 'sctp';

export interface PortConfig {
  Name?: string;
  Protocol?: PortProtocol;
  TargetPort: number;
  PublishedPort?: number;
  PublishMode?: 'ingress' | 'host';
  /**
   * flotilla's own field (Docker's API has none): the address every node listens on for this
   * published port, as a compose file's `127.0.0.1:8001:80` asks; absent, all addresses.
   */
  HostIP?: string;
  /**
   * flotilla's own field: the last port of a host range onto one target port (compose's
   * `18000-18001:80`, host mode only). Each task binds one free port of PublishedPort..PublishedPortEnd
   * on its node, as docker-compose 1.29's containers do; the task's PortStatus says which.
   */
  PublishedPortEnd?: number;
}

export interface EndpointSpec {
  Mode?: 'vip' | 'dnsrr';
  Ports?: PortConfig[];
}

export interface ServiceSpec {
  Name: string;
  Labels?: Labels;
  TaskTemplate: TaskSpec;
  Mode: ServiceMode;
  UpdateConfig?: UpdateConfig;
  RollbackConfig?: UpdateConfig;
  EndpointSpec?: EndpointSpec;
}

export interface Service extends Meta {
  Spec: ServiceSpec;
  PreviousSpec?: ServiceSpec;
  JobStatus?: JobStatus;
  Endpoint: { Spec: EndpointSpec; Ports?: PortConfig[]; VirtualIPs?: { NetworkID: string; Addr: string }[] };
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number; CompletedTasks: number };
  UpdateStatus?: UpdateStatus;
}

export interface UpdateStatus {
  State: 'updating' | 'paused' | 'completed' | 'rollback_started' | 'rollback_paused' | 'rollback_completed';
  StartedAt?: string;
  CompletedAt?: string;
  Message?: string;
}

// ---------------------------------------------------------------- tasks
export interface ContainerStatus {
  ContainerID?: string;
  PID?: number;
  ExitCode?: number;
  /** flotilla's: the container's healthcheck verdict when it has one (`compose ps` shows "Up (healthy)"). */
  Health?: 'starting' | 'healthy' | 'unhealthy';
  /** flotilla's: the container is paused (`compose ps` shows "Paused", as 1.29 reads it from the engine). */
  Paused?: boolean;
  /**
   * flotilla's: the addresses its node publishes the service's ports on (`0.0.0.0`, and `::` where the
   * host has IPv6), as its worker bound them; `compose ps` prints one binding per address, as 1.29 prints the engine's.
   */
  PublishedOn?: string[];
  /** flotilla's addition: the command the container really runs (entrypoint + args), for `compose ps`. */
  Command?: string;
}

export interface TaskStatus {
  Timestamp: string;
  State: TaskState;
  Message: string;
  Err?: string;
  ContainerStatus?: ContainerStatus;
  PortStatus?: { Ports?: PortConfig[] };
  /** flotilla's: when the task reached `running` (a rolling update's monitor period counts from it). */
  RunningAt?: string;
}

export interface NetworkAttachment {
  Network: { ID: string; Spec: { Name: string } };
  Addresses?: string[];
}

export interface Task extends Meta {
  Labels?: Labels;
  Spec: TaskSpec;
  ServiceID: string;
  /** Replicated services number their tasks 1..N; global tasks have no slot (0). */
  Slot?: number;
  NodeID?: string;
  Status: TaskStatus;
  DesiredState: TaskState;
  NetworksAttachments?: NetworkAttachment[];
  /** A job's task: the run (JobStatus.JobIteration) it belongs to. */
  JobIteration?: Version;
  /** The service's Version.Index when this task's spec was taken from it. */
  SpecVersion?: Version;
  /** Service name at creation, so containers can be named without a lookup. */
  ServiceName?: string;
}

// ---------------------------------------------------------------- networks, volumes, secrets, configs
export interface NetworkSpec {
  Name: string;
  Labels?: Labels;
  DriverConfiguration?: { Name: string; Options?: Record<string, string> };
  Attachable?: boolean;
  Internal?: boolean;
  IPv6Enabled?: boolean;
  Ingress?: boolean;
  IPAMOptions?: { Driver?: { Name: string }; Configs?: IPAMConfig[] };
}

export interface IPAMConfig {
  Subnet?: string;
  Gateway?: string;
  Range?: string;
}

export interface Network extends Meta {
  Spec: NetworkSpec;
  /** Set by the allocator, as Docker keeps it: the driver's state (the VXLAN id, under VXLAN_ID_OPTION). */
  DriverState?: { Name: string; Options?: Record<string, string> };
  /** Set by the allocator: the subnet and gateway the network got (the user's, or one from the pool). */
  IPAMOptions?: { Driver?: { Name: string }; Configs?: IPAMConfig[] };
}

/** Docker's DriverState option that holds an overlay network's VXLAN ids (comma-separated). */
export const VXLAN_ID_OPTION = 'com.docker.network.driver.overlay.vxlanid_list';

/** Named volumes are per node in Docker; the store keeps which ones the cluster wants to exist. */
export interface VolumeSpec {
  Name: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Labels;
}

export interface Volume extends Meta {
  Spec: VolumeSpec;
}

export interface SecretSpec {
  Name: string;
  Labels?: Labels;
  /** base64, as Docker sends it. */
  Data?: string;
}

export interface Secret extends Meta {
  Spec: SecretSpec;
}

export type ConfigSpec = SecretSpec;
export type Config = Secret;

// ---------------------------------------------------------------- cluster
export interface JoinTokens {
  Worker: string;
  Manager: string;
}

export interface Cluster extends Meta {
  Spec: {
    Name: string;
    Labels?: Labels;
    Orchestration: { TaskHistoryRetentionLimit: number };
    Raft: { SnapshotInterval: number; ElectionTick: number; HeartbeatTick: number };
    Dispatcher: { HeartbeatPeriod: number };
    EncryptionConfig?: { AutoLockManagers: boolean };
    /** Node certificate lifetime (ns), as Docker's `swarm update --cert-expiry`. */
    CAConfig?: { NodeCertExpiry?: number; ForceRotate?: number };
  };
  JoinTokens: JoinTokens;
  /** flotilla's: with autolock on, the KEK of every manager's Raft data key. Served only by /swarm/unlockkey. */
  UnlockKey?: string;
  /** flotilla's: the key node credentials are derived from. Stays in the store; no API serves it. */
  NodeKey?: string;
  /** flotilla's: the Redis every manager and node uses for doorbells and logs, as other hosts reach it. */
  RedisURL?: string;
  /** The cluster's root CA certificate (PEM), as Docker's swarm inspect shows it. */
  TLSInfo?: { TrustRoot: string };
  /** flotilla's: the root CA's private key (PEM), so any manager can sign. Stays in the store; no API serves it. */
  CAKey?: string;
  /** Ids of removed nodes: their certificates are refused (swarmkit's BlacklistedCertificates). */
  RemovedNodes?: string[];
  /** flotilla's: a root CA rotation under way (`docker swarm ca --rotate`); its key, like CAKey, no API serves. */
  RootRotation?: { newRootPem: string; newKeyPem: string; phase: 'trust' | 'issue'; forceRotate: number };
}
