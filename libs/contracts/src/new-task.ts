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
  const ts = new Date(ctx.now).toISOString();
  return {
    ID: ctx.newId(),
    Version: { Index: 0 },
    CreatedAt: ts,
    UpdatedAt: ts,
    Spec: svc.Spec.TaskTemplate,
    ServiceID: svc.ID,
    ServiceName: svc.Spec.Name,
    ...(at.slot ? { Slot: at.slot } : {}),
    ...(at.nodeId ? { NodeID: at.nodeId } : {}),
    Status: { Timestamp: ts, State: 'new', Message: 'created' },
    // A job's task is meant to finish (swarmkit's desired state Completed), a service's to keep running.
    DesiredState: isJobMode(svc.Spec.Mode) ? 'complete' : 'running',
    ...(isJobMode(svc.Spec.Mode) ? { JobIteration: { Index: svc.JobStatus?.JobIteration.Index ?? 0 } } : {}),
    SpecVersion: { Index: svc.Version.Index },
    NetworksAttachments: (svc.Spec.TaskTemplate.Networks ?? []).map((n) => ({
      Network: { ID: n.Target, Spec: { Name: n.Target } },
    })),
  };
}
