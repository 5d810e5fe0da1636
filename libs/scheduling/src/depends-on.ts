import { LABEL, isTerminal, taskStateRank, type Service, type Task } from '@flotilla/contracts';

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

const CONDITIONS: ReadonlySet<string> = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);
const STARTING = taskStateRank('starting');
const RUNNING = taskStateRank('running');
/** The words a task stopped for an unhealthy container carries (the worker's, Docker's). */
const UNHEALTHY = 'dockerexec: unhealthy container';

/** Whether a service carries compose's `depends_on` (cheap: no parse). */
export function hasDependencies(svc: Service): boolean {
  return svc.Spec.Labels?.[LABEL.dependsOn] !== undefined;
}

/** The service's dependencies by service name; a label that does not parse names none. */
export function dependenciesOf(svc: Service): Record<string, DependencyCondition> {
  const raw = svc.Spec.Labels?.[LABEL.dependsOn];
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
    const out: Record<string, DependencyCondition> = {};
    for (const [k, c] of Object.entries(v)) if (typeof c === 'string' && CONDITIONS.has(c)) out[k] = c as DependencyCondition;
    return out;
  } catch {
    return {};
  }
}

export type DependencyVerdict =
  | { kind: 'open' }
  | { kind: 'waiting'; on: string; condition: DependencyCondition }
  /** The dependency can no longer meet the condition as things stand: docker-compose's up gives up here. */
  | { kind: 'failed'; on: string; condition: DependencyCondition; task: Task; reason: 'unhealthy' | 'exit'; exitCode?: number };

/**
 * docker-compose 1.29's dependency check, over the cluster's tasks instead of
 * one engine's containers: `service_started` once every wanted task of the
 * dependency has started, `service_healthy` once they all run (a task with a
 * healthcheck only runs once healthy), `service_completed_successfully` once
 * they all exited 0. A dependency that is not in the cluster does not hold
 * anything back (compose skips what it does not start).
 */
export function dependencyVerdict(svc: Service, serviceByName: (name: string) => Service | undefined, tasksOf: (serviceId: string) => readonly Task[]): DependencyVerdict {
  let waiting: DependencyVerdict | undefined;
  for (const [name, condition] of Object.entries(dependenciesOf(svc))) {
    const dep = serviceByName(name);
    if (!dep || dep.ID === svc.ID) continue;
    const tasks = tasksOf(dep.ID).filter((t) => taskStateRank(t.DesiredState) <= RUNNING);
    const wanted = 'Replicated' in dep.Spec.Mode ? (dep.Spec.Mode.Replicated.Replicas ?? 1) : Math.max(1, tasks.length);
    if (wanted === 0) continue;
    const v = check(name, condition, tasks, wanted);
    // A failure anywhere decides, even while another dependency is still on its way.
    if (v.kind === 'failed') return v;
    if (v.kind === 'waiting') waiting ??= v;
  }
  return waiting ?? { kind: 'open' };
}

function check(on: string, condition: DependencyCondition, tasks: readonly Task[], wanted: number): DependencyVerdict {
  const count = (ok: (t: Task) => boolean) => tasks.reduce((n, t) => (ok(t) ? n + 1 : n), 0);
  switch (condition) {
    case 'service_started':
      return count((t) => taskStateRank(t.Status.State) >= STARTING) >= wanted ? { kind: 'open' } : { kind: 'waiting', on, condition };
    case 'service_healthy': {
      // Stopped for being unhealthy: its error says so, or (a container that exits 0 on SIGTERM
      // completes) it ended after starting without ever running, which a healthcheck gates.
      const sick = tasks.find(
        (t) => t.Status.Err?.endsWith(UNHEALTHY) || (isTerminal(t.Status.State) && !t.Status.RunningAt && t.Status.ContainerStatus?.ContainerID !== undefined),
      );
      if (sick) return { kind: 'failed', on, condition, task: sick, reason: 'unhealthy' };
      return count((t) => t.Status.State === 'running') >= wanted ? { kind: 'open' } : { kind: 'waiting', on, condition };
    }
    case 'service_completed_successfully': {
      const bad = tasks.find((t) => (t.Status.State === 'failed' || t.Status.State === 'rejected') && t.Status.ContainerStatus?.ContainerID);
      if (bad) return { kind: 'failed', on, condition, task: bad, reason: 'exit', exitCode: bad.Status.ContainerStatus?.ExitCode };
      return count((t) => t.Status.State === 'complete') >= wanted ? { kind: 'open' } : { kind: 'waiting', on, condition };
    }
  }
}
