import type { HeartbeatRequest, HeartbeatResponse, TaskReport } from '@flotilla/contracts';

/**
 * The manager a manager's own (embedded) worker lives in, reached in this process instead of over
 * loopback TLS and HTTP. Each call answers `undefined` when this manager cannot answer it here (it does
 * not lead: the leader must), and the worker then goes over the network as any other node.
 */
export interface LocalManager {
  /** The node's set as the HTTP route would send it (JSON): in full, or changed since `since`. */
  assignments(nodeId: string, since: number | undefined): string | undefined;
  report(nodeId: string, reports: TaskReport[]): Promise<void> | undefined;
  heartbeat(nodeId: string, body: HeartbeatRequest | undefined): HeartbeatResponse | undefined;
}
