/**
 * The manager <-> worker protocol (flotilla's own, under /flotilla/v1).
 * Workers always dial the manager, never the reverse, so a worker behind NAT
 * or in a namespace only needs to reach the manager and Redis.
 */
import type { Network, NodeDescription, Task, Volume, NodeRole, PortConfig } from './swarm-types';
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
}

/** Everything a node must run: its full set, never a delta. */
export interface AssignmentSet {
  nodeId: string;
  index: number;
  tasks: Task[];
  networks: Network[];
  volumes: Volume[];
  /** Published ports of the services this node runs tasks of (the ingress proxy serves them). */
  endpoints: ServiceEndpoint[];
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
  command?: string;
  /** Task-network addresses seen by the worker (CIDR form). */
  addresses?: Record<string, string>;
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
}

export type LogFrame =
  | { t: 'line'; taskId: string; stream: 'stdout' | 'stderr'; line: string }
  | { t: 'end'; taskId?: string }
  | { t: 'error'; message: string };

export const logRequestChannel = (nodeId: string) => `flotilla-logs-req-${nodeId}`;
export const logDataChannel = (reqId: string) => `flotilla-logs-data-${reqId}`;
export const logCancelChannel = (reqId: string) => `flotilla-logs-cancel-${reqId}`;
