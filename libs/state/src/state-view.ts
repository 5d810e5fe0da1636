import type { Cluster, Network, Secret, Service, SwarmNode, Task, Volume, Config } from '@flotilla/contracts';

/**
 * A read-only view of the whole desired state at one index. Views are live:
 * read them synchronously (a decision is a synchronous function of a view),
 * never keep one across an `await`.
 */
export interface StateView {
  readonly index: number;
  readonly cluster: Cluster | undefined;
  readonly nodes: ReadonlyMap<string, SwarmNode>;
  readonly services: ReadonlyMap<string, Service>;
  readonly tasks: ReadonlyMap<string, Task>;
  readonly networks: ReadonlyMap<string, Network>;
  readonly volumes: ReadonlyMap<string, Volume>;
  readonly secrets: ReadonlyMap<string, Secret>;
  readonly configs: ReadonlyMap<string, Config>;
  tasksOfService(serviceId: string): Task[];
  tasksOfNode(nodeId: string): Task[];
  /** Looks an object up by unique Spec.Name. */
  idByName(kind: 'service' | 'network' | 'volume' | 'secret' | 'config', name: string): string | undefined;
}
