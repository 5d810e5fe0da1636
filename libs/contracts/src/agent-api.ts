/**
 * The manager <-> worker protocol (flotilla's own, under /flotilla/v1).
 * Workers always dial the manager, never the reverse, so a worker behind NAT
 * or in a namespace only needs to reach the manager and Redis.
 */
import type { Config, Network, NodeDescription, Secret, Task, Volume, NodeRole, PortConfig } from './swarm-types';
import type { TaskState } from './task-state';

export const AGENT_API = '/flotilla/v1';

export interface RegisterRequest {
  /** Present when the worker already has an identity in its data dir. */
  nodeId?: string;
  /** Join token; not needed by the worker embedded in a manager process. */
  token?: string;
  role?: NodeRole;
  addr: string;
  description: NodeDescription;
}

export interface RegisterResponse {
  nodeId: string;
  /** The Redis the manager's dispatcher uses; workers consume their queue there. */
  redisUrl: string;
  heartbeatPeriodMs: number;
  clusterId: string;
  /** The node's credential for every later call (Authorization: Bearer ...). */
  nodeSecret: string;
  /** API addresses (host:port) of every manager: where the node turns when its manager goes away. */
  managers?: string[];
}

/** A heartbeat's answer: the period to beat at from now on (it grows with the cluster). */
export interface HeartbeatResponse {
  heartbeatPeriodMs: number;
  /** The tag (tlsInfoTag) of the TLS state the cluster holds for the node: another one, and the node sends its own. */
  tlsTag?: string;
  /** The roots (PEM bundle) the node is to trust from now on, when they differ from what it reported (a root rotation). */
  trustRoot?: string;
  /** The node's certificate is not from the root that signs now: it renews at once (a root rotation). */
  renewCertificate?: boolean;
}

/** A heartbeat's body: the tag of the node's TLS state, and the state itself when the manager holds another. */
export interface HeartbeatRequest {
  tlsTag?: string;
  tls?: { TrustRoot: string; CertIssuerSubject: string; CertIssuerPublicKey: string };
}

/** A manager joining the Raft group: first as a learner that catches up, then as a voter. */
/** A node's request for its certificate, made over TLS pinned to the CA digest its join token names. */
export interface CertificateRequest {
  token: string;
  /** The node's public key (SPKI PEM, EC P-256); the private key stays on the node. */
  publicKeyPem: string;
  /** A node that already has an id keeps it. */
  nodeId?: string;
  /** Asked for role; never more than the token grants. */
  role?: NodeRole;
  /** Addresses and host name to name in the certificate (a manager is reached at them). */
  ips?: string[];
  hostname?: string;
}

export interface CertificateResponse {
  nodeId: string;
  certificate: string;
  ca: string;
}

export interface ManagerJoinRequest {
  token: string;
  nodeId: string;
  /** host:port other managers reach it at (its API port; Raft shares it). */
  addr: string;
  stage: 'learner' | 'voter';
}

export interface ManagerJoinResponse {
  /** Raft id -> address of every member, the joiner included. */
  peers: Record<string, string>;
  /** Authenticates Raft connections and requests forwarded between managers. */
  raftKey: string;
  redisUrl: string;
  clusterId: string;
  /** The leader's commit index at the time: the joiner catches up to here before asking to vote. */
  index: number;
}

/** Everything a node must run: its full set, never a delta. */
export interface AssignmentSet {
  nodeId: string;
  index: number;
  tasks: Task[];
  networks: Network[];
  volumes: Volume[];
  /** Only the secrets and configs this node's tasks reference (with their Data), for their files. */
  secrets?: Secret[];
  configs?: Config[];
  /** Published ports of the services this node runs tasks of (the ingress proxy serves them). */
  endpoints: ServiceEndpoint[];
  /** API addresses of every manager, so the node can fail over. */
  managers?: string[];
  /** Set when this node was promoted and is not a manager yet: the token its manager joins with. */
  promotion?: { token: string };
  /** What the node's overlay agent needs beyond its own tasks: peers and names, per allocated network. */
  overlay?: OverlayNetworkAssignment[];
  /** The routing mesh: every ingress port of the cluster, so this node answers it even without a task of its own. */
  mesh?: MeshPort[];
  /**
   * Set on a delta (the node asked `?since=N` and the manager could answer from N): `tasks` holds only
   * the tasks changed after `since`, `removed` the ids that left the set; the rest is whole.
   */
  since?: number;
  removed?: string[];
  /**
   * On a delta: tasks whose only change after `since` is their status (the node's own reports, mostly),
   * sent as these fields alone; the node holds the rest of each already.
   */
  statuses?: TaskStatusPatch[];
}

/** The fields a status report changes: what a delta sends of a task the node holds otherwise unchanged. */
export type TaskStatusPatch = Pick<Task, 'ID' | 'Version' | 'UpdatedAt' | 'Status' | 'NetworksAttachments'>;

/**
 * Where every node listens for connections other nodes pass on (routing
 * mesh): each starts with the published port as 2 bytes, big-endian, and is
 * served by that node's own tasks only, so a connection crosses at most one hop.
 */
export const MESH_PORT = 7947;

export interface MeshPort {
  publishedPort: number;
  serviceId: string;
  /** The address to listen on (the port's HostIP), all when absent. */
  hostIp?: string;
  /** Host addresses of the other nodes running tasks of the service: their mesh listeners serve it. */
  remotes: string[];
}

/** One allocated network as seen from one node (libs/networking's overlayFor computes it). */
export interface OverlayNetworkAssignment {
  networkId: string;
  /** Host addresses of the other nodes with live tasks on the network: where VXLAN floods go. */
  peers: string[];
  /** What the node's DNS answers on this network: each service's names -> its tasks' addresses (on a node, meant to run). */
  services: OverlayServiceRecord[];
}

export interface OverlayServiceRecord {
  serviceId: string;
  /** The service name first, then its aliases on this network (compose service names, links). */
  names: string[];
  /** Addresses (no prefix) on this network of the service's tasks that are on a node and meant to run, every node's. */
  addresses: string[];
}

export interface ServiceEndpoint {
  serviceId: string;
  serviceName: string;
  ports: PortConfig[];
}

export interface TaskReport {
  taskId: string;
  state: TaskState;
  message: string;
  err?: string;
  containerId?: string;
  pid?: number;
  exitCode?: number;
  /** The engine's healthcheck verdict, for a container that has one. */
  health?: 'starting' | 'healthy' | 'unhealthy';
  /** The container is paused (`docker pause`): a running task restated, for `compose ps`'s `Paused`. */
  paused?: boolean;
  command?: string;
  /** Task-network addresses seen by the worker (CIDR form). */
  addresses?: Record<string, string>;
  /** Running, with published ports: the addresses the node's ingress listens on for them (ContainerStatus.PublishedOn). */
  published?: string[];
  /**
   * Started, with host ranges (PortConfig.PublishedPortEnd): the port of each range its container got
   * on the node, the engine's choice (the task's PortStatus.Ports, as Swarm reports host-mode ports).
   */
  ports?: PortConfig[];
  /**
   * Its container runs again after a start or restart in place (compose `restart`, through the relay):
   * a task that ended with that container, still wanted running, runs again (see libs/state's revivesInPlace).
   */
  restarted?: boolean;
}

export interface StatusRequest {
  reports: TaskReport[];
}

/** A log request, carried over Redis pub/sub from the manager to the node that runs the containers. */
export interface LogRequest {
  reqId: string;
  taskIds: string[];
  follow: boolean;
  tail?: number;
  timestamps: boolean;
  since?: number;
  /** When the manager asked (ms since the epoch): an old request is a replay. */
  at: number;
  /** signForNode(node secret, 'logs', logRequestPayload(...)): Redis is not trusted. */
  sig: string;
}

export type LogFrame =
  | { t: 'line'; taskId: string; stream: 'stdout' | 'stderr'; line: string }
  | { t: 'end'; taskId?: string }
  | { t: 'error'; message: string };

export const logRequestChannel = (nodeId: string) => `flotilla-logs-req-${nodeId}`;
export const logDataChannel = (reqId: string) => `flotilla-logs-data-${reqId}`;
export const logCancelChannel = (reqId: string) => `flotilla-logs-cancel-${reqId}`;
