import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readMembership, readNodeId } from '../agent/identity';
import type { NodeIdentity } from './leave-plan';

/**
 * A node's data dir: a worker's holds node-id and membership.json; a
 * manager's holds its Raft state, and its embedded worker's under worker/.
 */
export function nodeIdentity(dataDir: string): NodeIdentity & { engine?: { dockerHost?: string } } {
  const dirs = [dataDir, join(dataDir, 'worker')];
  const nodeIds = dirs.map(readNodeId).filter((x): x is string => !!x);
  const joined = dirs.map(readMembership).filter((x) => !!x);
  // No dockerHost recorded: the node drove the default socket.
  const engine = joined.length ? { dockerHost: joined.find((m) => m.dockerHost)?.dockerHost } : undefined;
  return { nodeIds: [...new Set(nodeIds)], clusterIds: [...new Set(joined.map((m) => m.clusterId))], ...(engine ? { engine } : {}) };
}

/** Whether the dir holds a manager's swarm state (a manager that is not running still is one). */
export function hasManagerState(dataDir: string): boolean {
  return existsSync(join(dataDir, 'raft')) || existsSync(join(dataDir, 'manager.json'));
}

/** Whether the dir holds any swarm state of a node. */
export function hasNodeState(dataDir: string): boolean {
  return hasManagerState(dataDir) || nodeIdentity(dataDir).nodeIds.length > 0;
}

/**
 * Erases the node's swarm state (Raft log and snapshots, keys, tokens, node
 * id, secrets, logs), as Docker empties /var/lib/docker/swarm: the dir stays,
 * empty. Only a dir that holds a node's state is touched, so a mistyped
 * --data-dir never erases anything else.
 */
export function wipeNodeDir(dataDir: string): void {
  if (!hasNodeState(dataDir)) return;
  for (const e of readdirSync(dataDir)) rmSync(join(dataDir, e), { recursive: true, force: true });
}
