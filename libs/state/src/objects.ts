import type { Cluster, Config, Network, Secret, Service, SwarmNode, Task, Volume } from '@flotilla/contracts';

/** Every kind of object the store holds, and its type. */
export interface ObjectTypes {
  node: SwarmNode;
  service: Service;
  task: Task;
  network: Network;
  volume: Volume;
  secret: Secret;
  config: Config;
  cluster: Cluster;
}

export type ObjectKind = keyof ObjectTypes;
export type AnyObject = ObjectTypes[ObjectKind];

export const OBJECT_KINDS: readonly ObjectKind[] = [
  'cluster',
  'node',
  'network',
  'volume',
  'secret',
  'config',
  'service',
  'task',
];

/** Kinds whose Spec.Name must be unique across the cluster (Docker answers 409 otherwise). */
export const UNIQUE_NAME_KINDS: ReadonlySet<ObjectKind> = new Set(['service', 'network', 'volume', 'secret', 'config']);
