/**
 * Queue and job naming. BullMQ reserves ':' in keys, so names use '-' only.
 * A job is a doorbell: "your assignments changed up to store index N"; the
 * worker then fetches its complete assignment set, so lost, duplicated or
 * reordered jobs are harmless.
 */
export const QUEUE_PREFIX = 'flotilla';

export function nodeQueueName(nodeId: string): string {
  return `node-${nodeId}`;
}

export const ASSIGNMENTS_CHANGED = 'assignments-changed';

export interface AssignmentsChangedJob {
  nodeId: string;
  /** Store index at which the node's assignment set was last changed. */
  index: number;
  /** signForNode(node secret, 'doorbell', doorbellPayload(nodeId, index)): Redis is not trusted. */
  sig: string;
}

/** One pending doorbell per node is enough: later rings are folded into it. */
export function doorbellDedupId(nodeId: string): string {
  return `ring-${nodeId}`;
}

export function isAssignmentsChangedJob(v: unknown): v is AssignmentsChangedJob {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.nodeId === 'string' && /^[a-z0-9]{1,64}$/.test(o.nodeId) && Number.isSafeInteger(o.index) && typeof o.sig === 'string';
}
