import type { Service, Task } from '@flotilla/contracts';
import type { StackState } from '../../client/api-client';
import { composeService, currentTasks } from '../task-view';

/** A task container as `up` names it: `<project>_<service>_<slot>` or its container_name (1.29's container name). */
export interface AttachedContainer {
  taskId: string;
  service: string;
  /** `web_1`: the log prefix. */
  shortName: string;
  /** `proj_web_1`: `Attaching to`, `exited with code`. */
  name: string;
}

export function containerOf(project: string, t: Task, s: Service | undefined): AttachedContainer {
  const service = s ? composeService(s) : (t.ServiceName ?? t.ServiceID);
  // A container_name is its whole name and its prefix (1.29's name_without_project).
  const custom = t.Spec.ContainerSpec.ContainerName;
  const shortName = custom || `${service}_${t.Slot || t.NodeID?.slice(0, 12)}`;
  return { taskId: t.ID, service, shortName, name: custom || `${project}_${shortName}` };
}

/** The containers `up` attaches to: the current task of each slot of the given services, in service order. */
export function attachedContainers(project: string, state: StackState, services: readonly string[]): AttachedContainer[] {
  const byId = new Map(state.services.map((s) => [s.ID, s]));
  const order = new Map(services.map((s, i) => [s, i]));
  return currentTasks(state)
    .map((t) => ({ t, c: containerOf(project, t, byId.get(t.ServiceID)) }))
    .filter(({ t, c }) => order.has(c.service) && t.Status.ContainerStatus?.ContainerID !== undefined)
    .sort((a, b) => order.get(a.c.service)! - order.get(b.c.service)! || (a.t.Slot ?? 0) - (b.t.Slot ?? 0))
    .map(({ c }) => c);
}

const ENDED = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned']);

export interface Exit {
  container: AttachedContainer;
  code: number;
}

/**
 * Remembers every task that is (or was) current for an attached service, so that a task the
 * orchestrator replaced still reports its exit, and a removed service's tasks keep their names.
 */
export function watchCurrent(project: string, state: StackState, services: readonly string[], watch: Map<string, AttachedContainer>) {
  const wanted = new Set(services);
  const byId = new Map(state.services.map((s) => [s.ID, s]));
  for (const t of currentTasks(state)) {
    const s = byId.get(t.ServiceID);
    if (s && wanted.has(composeService(s)) && t.Status.ContainerStatus?.ContainerID && !watch.has(t.ID)) {
      watch.set(t.ID, containerOf(project, t, s));
    }
  }
}

/** Watched containers that ended since the last look (`reported` is updated in place), by name. */
export function newExits(state: StackState, watch: ReadonlyMap<string, AttachedContainer>, reported: Set<string>): Exit[] {
  const out: Exit[] = [];
  for (const t of state.tasks) {
    const c = watch.get(t.ID);
    if (!c || reported.has(t.ID) || !ENDED.has(t.Status.State)) continue;
    reported.add(t.ID);
    // 137 when the engine gave no code: the container was killed, as Docker reports one it SIGKILLed.
    const code = t.Status.ContainerStatus?.ExitCode ?? (t.Status.State === 'complete' ? 0 : 137);
    out.push({ container: c, code });
  }
  return out.sort((a, b) => (a.container.name < b.container.name ? -1 : a.container.name > b.container.name ? 1 : 0));
}

/**
 * Whether every attached container has ended for good: 1.29's `up` returns when it has no container
 * left to follow. A restart policy that will start a replacement keeps `up` attached.
 */
export function allEnded(state: StackState, watch: ReadonlyMap<string, AttachedContainer>): boolean {
  const byId = new Map(state.services.map((s) => [s.ID, s]));
  const current = currentTasks(state).filter((t) => watch.has(t.ID));
  if (current.length === 0) return false;
  return current.every((t) => {
    if (!ENDED.has(t.Status.State)) return false;
    const cond = byId.get(t.ServiceID)?.Spec.TaskTemplate.RestartPolicy?.Condition ?? 'any';
    const code = t.Status.ContainerStatus?.ExitCode ?? 0;
    return cond === 'none' || (cond === 'on-failure' && code === 0);
  });
}

/**
 * `up`'s exit status after `--abort-on-container-exit` (1.29's compute_exit_code and
 * compute_service_exit_code): the code of the container that started the cascade, or with
 * `--exit-code-from S` the code of S's container (the first non-zero one when S has several).
 */
export function abortExitCode(first: Exit, all: readonly Exit[], exitCodeFrom?: string): number {
  if (exitCodeFrom === undefined) return first.code;
  const codes = all.filter((e) => e.container.service === exitCodeFrom).map((e) => e.code);
  if (codes.length === 0) return 2;
  return codes.find((c) => c !== 0) ?? codes[0];
}
