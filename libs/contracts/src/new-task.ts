import { isJobMode, type Service, type Task } from './swarm-types';

export interface NewTaskContext {
  now: number;
  newId(): string;
}

/**
 * A fresh task for a slot (replicated) or a node (global), as swarmkit's
 * `orchestrator.NewTask` makes it: state `new`, desired `running`, the
 * service's current template. Network targets are kept as written; the
 * caller resolves names to ids.
 */
export function newTask(svc: Service, at: { slot?: number; nodeId?: string }, ctx: NewTaskContext): Task {
  const ts = isoAt(ctx.now);
  const job = isJobMode(svc.Spec.Mode);
  const t: Task = {
    ID: ctx.newId(),
    Version: { Index: 0 },
    CreatedAt: ts,
    UpdatedAt: ts,
    Spec: svc.Spec.TaskTemplate,
    ServiceID: svc.ID,
    ServiceName: svc.Spec.Name,
  } as Task;
  // Keys in the order they always had (a task's JSON is compared and hashed as text).
  if (at.slot) t.Slot = at.slot;
  if (at.nodeId) t.NodeID = at.nodeId;
  t.Status = { Timestamp: ts, State: 'new', Message: 'created' };
  // A job's task is meant to finish (swarmkit's desired state Completed), a service's to keep running.
  t.DesiredState = job ? 'complete' : 'running';
  if (job) t.JobIteration = { Index: svc.JobStatus?.JobIteration.Index ?? 0 };
  t.SpecVersion = { Index: svc.Version.Index };
  const nets = svc.Spec.TaskTemplate.Networks;
  t.NetworksAttachments = nets && nets.length > 0 ? nets.map((n) => ({ Network: { ID: n.Target, Spec: { Name: n.Target } } })) : [];
  return t;
}

/** The last timestamp made, reused: a pass creates thousands of tasks at one `now`. */
let lastIso: { now: number; iso: string } | undefined;

function isoAt(now: number): string {
  if (lastIso?.now !== now) lastIso = { now, iso: new Date(now).toISOString() };
  return lastIso.iso;
}
