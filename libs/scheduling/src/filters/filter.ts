import type { ResourceSet, Service, TaskSpec } from '@flotilla/contracts';
import type { CompiledPlacement } from '../constraint';
import type { NodeInfo } from '../node-load';

/** What the filters know about the tasks being placed: one service's, of one spec version. */
export interface FilterJob {
  svc: Service;
  /** The tasks' spec (the service's template, unless they were made from an older one). */
  spec: TaskSpec;
  placement: CompiledPlacement;
  reservations: ResourceSet | undefined;
  hostPorts: string[];
}

/**
 * One reason a node cannot take a task, able to say so (swarmkit's Filter).
 * A static filter's answer cannot change while tasks are placed, so it runs
 * once per node and service; a dynamic one depends on what was placed.
 */
export interface Filter {
  readonly name: string;
  readonly dynamic: boolean;
  /** Whether the filter has anything to check for this job (swarmkit's SetTask). */
  enabled(job: FilterJob): boolean;
  check(node: NodeInfo, job: FilterJob): boolean;
  /** Text for `nodes` refusals, e.g. "insufficient resources on 3 nodes". */
  explain(nodes: number): string;
}

/** Docker's "on 1 node" / "on 3 nodes". */
export function onNodes(what: string, nodes: number): string {
  return `${what} on ${nodes} node${nodes === 1 ? '' : 's'}`;
}
