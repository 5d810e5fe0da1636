import { LABEL } from '@flotilla/contracts';

/** What a node's data dir says about it: the node ids it ran as and the clusters it joined. */
export interface NodeIdentity {
  readonly nodeIds: readonly string[];
  readonly clusterIds: readonly string[];
}

export interface ObservedContainer {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ObservedNetwork {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Ids of the containers attached to it now. */
  readonly containers: readonly string[];
}

export type LeaveAction =
  | { readonly kind: 'remove-container'; readonly id: string; readonly name: string }
  | { readonly kind: 'remove-network'; readonly id: string; readonly name: string; readonly networkId?: string };

/**
 * What leaving the swarm removes from this engine, as Docker's leave does:
 * the node's task containers (its own only: another node of any cluster may
 * share the engine), then its cluster's networks that nothing else still
 * uses. Volumes stay: Docker keeps named volumes when a node leaves.
 */
export function planLeave(node: NodeIdentity, containers: readonly ObservedContainer[], networks: readonly ObservedNetwork[]): LeaveAction[] {
  const nodes = new Set(node.nodeIds);
  const clusters = new Set(node.clusterIds);
  const actions: LeaveAction[] = [];
  const going = new Set<string>();
  for (const c of containers) {
    if (c.labels[LABEL.managed] !== 'true' || !nodes.has(c.labels[LABEL.swarmNodeId] ?? '')) continue;
    going.add(c.id);
    actions.push({ kind: 'remove-container', id: c.id, name: c.name });
  }
  for (const n of networks) {
    if (n.labels[LABEL.managed] !== 'true' || !clusters.has(n.labels[LABEL.cluster] ?? '')) continue;
    // A network another node's task still uses (a shared engine) is that node's to keep.
    if (n.containers.some((id) => !going.has(id))) continue;
    actions.push({ kind: 'remove-network', id: n.id, name: n.name, networkId: n.labels[NETWORK_ID_LABEL] });
  }
  return actions;
}

/** The cluster network an engine network stands for (names its overlay devices). */
export const NETWORK_ID_LABEL = 'io.flotilla.network.id';
