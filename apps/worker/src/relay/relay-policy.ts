import { RELAY_ONEOFF_LABEL, createRefusal, execRefusal, type RelayCreateBody, type RelayTarget, type TaskState } from '@flotilla/contracts';

export interface Refusal {
  status: number;
  message: string;
}

/** What the worker knows about the container a relayed call targets. */
export interface TargetContainer {
  Id: string;
  Labels: Record<string, string>;
}

/**
 * Whether a relayed call may act on `c` (undefined: dockerd knows no such
 * container): this node's task containers, and the one-offs created through the
 * relay on this node; only those one-offs may be removed.
 */
export function containerVerdict(
  target: RelayTarget,
  method: string,
  c: TargetContainer | undefined,
  isTaskContainer: (id: string) => boolean,
  nodeId: string,
): Refusal | undefined {
  const ref = target.kind === 'create' ? '' : target.id;
  if (!c) return { status: 404, message: target.kind === 'exec' ? `No such exec instance: ${ref}` : `No such container: ${ref}` };
  const oneOff = c.Labels[RELAY_ONEOFF_LABEL] === nodeId;
  if (method.toUpperCase() === 'DELETE' && !oneOff) {
    return { status: 403, message: `container ${ref} is not a one-off container of node ${nodeId}: only those are removed through the relay` };
  }
  if (!oneOff && !isTaskContainer(c.Id)) return { status: 403, message: `container ${ref} is not a task container of node ${nodeId}` };
  return undefined;
}

/** The task a container of this node runs, as the worker's assignment set has it. */
export interface TargetTask {
  id: string;
  desired: TaskState;
}

/** A start or restart of a container (`POST /containers/{id}/start|restart`, a /v1.NN prefix allowed): the engine starts it again in place. */
export function startsInPlace(method: string, url: string): boolean {
  return method.toUpperCase() === 'POST' && /^(?:\/v\d+\.\d+)?\/containers\/[^/?]+\/(?:start|restart)$/.test(url.split('?', 2)[0]);
}

/**
 * Whether a task container may be started or restarted in place (compose `restart`): only while its
 * task is still wanted running. One the worker is stopping or removing is not started again behind its
 * back; and the worker must know the task, to hold back its report while the engine restarts it.
 */
export function inPlaceVerdict(ref: string, task: TargetTask | undefined, nodeId: string): Refusal | undefined {
  if (!task) return { status: 403, message: `container ${ref} is not a task container of node ${nodeId}` };
  if (task.desired !== 'running') return { status: 409, message: `container ${ref} belongs to task ${task.id}, which is being stopped (desired state ${task.desired}): it is not started again` };
  return undefined;
}

/** The create body to pass on (labelled as this node's one-off), or why not. */
export function createVerdict(bodyText: string, nodeId: string): { body: string } | Refusal {
  let body: RelayCreateBody;
  try {
    body = JSON.parse(bodyText) as RelayCreateBody;
  } catch {
    return { status: 400, message: 'container create body is not JSON' };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { status: 400, message: 'container create body must be an object' };
  const why = createRefusal(body);
  if (why) return { status: 403, message: why };
  const labels = { ...(body.Labels as Record<string, string>), [RELAY_ONEOFF_LABEL]: nodeId };
  return { body: JSON.stringify({ ...body, Labels: labels }) };
}

/** An exec create passes only with a command and without privileges. */
export function execVerdict(bodyText: string): Refusal | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return { status: 400, message: 'exec create body is not JSON' };
  }
  const why = execRefusal(body);
  return why ? { status: 403, message: why } : undefined;
}
