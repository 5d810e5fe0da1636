import type { Cluster, Network, Secret, Service, SwarmNode, Task, Volume, Config } from '@flotilla/contracts';

export interface ServiceTaskCounts {
  running: number;
  complete: number;
}

/** The counts by reading every task: what the store keeps incrementally, for views over plain lists. */
export function serviceTaskCounts(tasks: Iterable<Task>): ServiceTaskCounts {
  const c = { running: 0, complete: 0 };
  for (const t of tasks) {
    if (t.DesiredState === 'running' && t.Status.State === 'running') c.running++;
    if (t.Status.State === 'complete') c.complete++;
  }
  return c;
}

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
  /** A service's tasks running (and meant to), and complete: `service ls` without reading every task. */
  countsOfService(serviceId: string): ServiceTaskCounts;
  /** Looks an object up by unique Spec.Name. */
  idByName(kind: 'service' | 'network' | 'volume' | 'secret' | 'config', name: string): string | undefined;
}
