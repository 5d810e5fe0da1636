import type { Service, SwarmNode, Task } from '@flotilla/contracts';
import { PlanBuilder, type ReconcilePlan } from './plan-builder';
import { reconcileGlobal } from './reconcile-global';
import { reconcileOrphans } from './reconcile-orphans';
import { reconcileReplicated } from './reconcile-replicated';
import { reconcileGlobalJob, reconcileReplicatedJob } from './reconcile-job';
import { dependencyVerdict, hasDependencies } from './depends-on';
import type { ServiceContext } from './reconcile-slot';
import { runSteps, type Steps } from './steps';

export type { ReconcilePlan } from './plan-builder';

export interface ReconcileInput {
  services: Iterable<Service>;
  /** Every task of the service, history included. */
  tasksOfService(serviceId: string): Task[];
  nodes: ReadonlyMap<string, SwarmNode>;
  /** ms since epoch. */
  now: number;
  newId(): string;
  /** Tasks kept per slot (per node for global), current one included: TaskHistoryRetentionLimit. */
  historyLimit: number;
  /** Tasks of services removed from the store. */
  orphanTasks?: Task[];
  /**
   * At most this many tasks are created for empty replicated slots in one
   * plan; the rest are the next pass's (a caller that commits a 100k-task
   * scale-up in parts need not have the whole of it planned, with new ids,
   * on every pass). Replacements (restarts, updates, lost nodes) are never held back.
   */
  maxCreates?: number;
}

/**
 * Services + tasks -> the task changes that make them agree. Level-triggered
 * and pure: it reads the whole desired state each time, with time and ids
 * injected, so running it again on the result of its own plan changes nothing.
 */
export function reconcile(input: ReconcileInput): ReconcilePlan {
  return runSteps(reconcileSteps(input));
}

/** `reconcile` in steps (see Steps): the same plan, with pause points between services and within big ones. */
export function* reconcileSteps(input: ReconcileInput): Steps<ReconcilePlan> {
  const plan = new PlanBuilder(input.now);
  const sc: ServiceContext = {
    nodes: input.nodes,
    now: input.now,
    newId: () => input.newId(),
    historyLimit: input.historyLimit,
    plan,
    maxCreates: input.maxCreates,
  };
  // Iterated twice at most (the dependency lookup): an iterator given in must not run dry under the loop.
  const services = [...input.services];
  let byName: Map<string, Service> | undefined;
  const serviceByName = (name: string) => {
    byName ??= new Map(services.map((s) => [s.Spec.Name, s]));
    return byName.get(name);
  };
  for (const svc of services) {
    const tasks = input.tasksOfService(svc.ID);
    // compose's depends_on: a service's first tasks wait until its dependencies are started,
    // healthy or completed, on whatever nodes they run; once it has tasks, they live their own lives.
    if (tasks.length === 0 && hasDependencies(svc) && dependencyVerdict(svc, serviceByName, input.tasksOfService).kind !== 'open') continue;
    if ('ReplicatedJob' in svc.Spec.Mode) reconcileReplicatedJob(svc, tasks, sc);
    else if ('GlobalJob' in svc.Spec.Mode) reconcileGlobalJob(svc, tasks, sc);
    else if ('Global' in svc.Spec.Mode) reconcileGlobal(svc, tasks, sc);
    else yield* reconcileReplicated(svc, tasks, sc);
    yield;
  }
  if (input.orphanTasks) reconcileOrphans(input.orphanTasks, input.nodes, plan);
  return plan.build();
}
