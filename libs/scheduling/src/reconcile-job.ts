import { isTerminal, newTask, type Service, type Task } from '@flotilla/contracts';
import { nodeUsable } from './reconcile-replicated';
import { compilePlacement } from './constraint';
import type { ServiceContext } from './reconcile-slot';
import { restartDecision } from './restart-policy';
import { byCreation } from './task-order';

/** The job's run the service is on: tasks of other runs are history, or go. */
export function jobIteration(svc: Service): number {
  return svc.JobStatus?.JobIteration.Index ?? 0;
}

/** ReplicatedJob with swarmkit's defaults: one at a time, as many completions as MaxConcurrent. */
export function jobCounts(svc: Service): { maxConcurrent: number; totalCompletions: number } {
  const rj = 'ReplicatedJob' in svc.Spec.Mode ? svc.Spec.Mode.ReplicatedJob : {};
  const maxConcurrent = rj.MaxConcurrent || 1;
  return { maxConcurrent, totalCompletions: rj.TotalCompletions || maxConcurrent };
}

/** Meant to finish and not told to stop: a job's task that counts. */
function wanted(t: Task): boolean {
  return t.DesiredState === 'complete' || t.DesiredState === 'running';
}

/**
 * A replicated job (swarmkit's jobs/replicated reconciler, level-triggered):
 * each of TotalCompletions slots ends with one Complete task of the current
 * run; at most MaxConcurrent of them run at once; a failed task is replaced in
 * its slot under the restart policy (and holds its slot meanwhile); a task on
 * a node that went away is replaced at once; a running task of an earlier run
 * is removed. Completed tasks are never run again.
 */
export function reconcileReplicatedJob(svc: Service, tasks: readonly Task[], sc: ServiceContext): void {
  const iteration = jobIteration(svc);
  const { maxConcurrent, totalCompletions } = jobCounts(svc);
  const bySlot = new Map<number, Task[]>();
  let completed = 0;
  let active = 0;
  for (const t of tasks) {
    if ((t.JobIteration?.Index ?? -1) !== iteration) {
      if (!isTerminal(t.Status.State) && t.DesiredState !== 'remove') sc.plan.setDesired(t, 'remove');
      continue;
    }
    const slot = t.Slot ?? 0;
    const list = bySlot.get(slot);
    if (list) list.push(t);
    else bySlot.set(slot, [t]);
  }
  const ctx = { now: sc.now, newId: sc.newId };
  const occupied = new Set<number>();
  for (const [slot, list] of bySlot) {
    list.sort(byCreation);
    if (list.some((t) => t.Status.State === 'complete')) {
      completed++;
      occupied.add(slot);
      continue;
    }
    const last = list[list.length - 1];
    if (!wanted(last)) continue; // stopped on purpose: the slot is free again
    occupied.add(slot);
    active++;
    const lost = !nodeUsable(sc.nodes, last.NodeID);
    if (!isTerminal(last.Status.State) && !lost) continue;
    // Failed (or stranded on a node that left): the restart policy says when the slot runs again.
    const decision = restartDecision(last, list, { now: sc.now, immediate: lost });
    if (decision.kind === 'at') sc.plan.wakeAt(decision.at);
    if (decision.kind !== 'now') continue;
    sc.plan.setDesired(last, 'shutdown');
    sc.plan.create(newTask(svc, { slot }, ctx));
  }
  let create = Math.min(maxConcurrent - active, totalCompletions - completed - active);
  // Slots 0..TotalCompletions-1, as swarmkit numbers them (slot 0 has no number: docker shows its node).
  for (let slot = 0; create > 0 && slot < totalCompletions; slot++) {
    if (occupied.has(slot)) continue;
    sc.plan.create(newTask(svc, { slot }, ctx));
    create--;
  }
}

/**
 * A global job: one task of the current run on every eligible node, run to
 * completion; a failed one runs again on its node under the restart policy.
 */
export function reconcileGlobalJob(svc: Service, tasks: readonly Task[], sc: ServiceContext): void {
  const iteration = jobIteration(svc);
  const placement = compilePlacement(svc.Spec.TaskTemplate.Placement);
  const byNode = new Map<string, Task[]>();
  for (const t of tasks) {
    if ((t.JobIteration?.Index ?? -1) !== iteration) {
      if (!isTerminal(t.Status.State) && t.DesiredState !== 'remove') sc.plan.setDesired(t, 'remove');
      continue;
    }
    const key = t.NodeID ?? '';
    const list = byNode.get(key);
    if (list) list.push(t);
    else byNode.set(key, [t]);
  }
  const ctx = { now: sc.now, newId: sc.newId };
  for (const id of [...sc.nodes.keys()].sort()) {
    const node = sc.nodes.get(id)!;
    const list = (byNode.get(id) ?? []).sort(byCreation);
    const eligible = node.Status.State === 'ready' && node.Spec.Availability === 'active' && placement.matches(node);
    if (list.length === 0) {
      if (eligible) sc.plan.create(newTask(svc, { nodeId: id }, ctx));
      continue;
    }
    if (list.some((t) => t.Status.State === 'complete')) continue;
    const last = list[list.length - 1];
    if (!wanted(last) || !isTerminal(last.Status.State) || !eligible) continue;
    const decision = restartDecision(last, list, { now: sc.now, immediate: false });
    if (decision.kind === 'at') sc.plan.wakeAt(decision.at);
    if (decision.kind !== 'now') continue;
    sc.plan.setDesired(last, 'shutdown');
    sc.plan.create(newTask(svc, { nodeId: id }, ctx));
  }
}
