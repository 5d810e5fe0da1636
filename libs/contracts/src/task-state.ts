/**
 * Task states exactly as Docker Swarm names them (lower-case on the wire).
 * The order matters: a task only ever moves forward, so a late or duplicated
 * status report can never drag a task back (swarmkit applies the same rule).
 */
export const TASK_STATES = [
  'new',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
  'running',
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

const ORDER: Record<TaskState, number> = Object.fromEntries(TASK_STATES.map((s, i) => [s, i])) as Record<
  TaskState,
  number
>;

export function taskStateRank(s: TaskState): number {
  return ORDER[s];
}

export function isTaskState(v: unknown): v is TaskState {
  return typeof v === 'string' && v in ORDER;
}

/** A task past `running` has stopped for good (only a restart of its own container in place brings it back: libs/state's revivesInPlace). */
export function isTerminal(s: TaskState): boolean {
  return ORDER[s] > ORDER.running;
}

/** True when moving from `from` to `to` is a forward step (equal states are not). */
export function isForward(from: TaskState, to: TaskState): boolean {
  return ORDER[to] > ORDER[from];
}

/** States in which the worker owns the task (it has been handed to a node). */
export function isOnNode(s: TaskState): boolean {
  return ORDER[s] >= ORDER.assigned && ORDER[s] <= ORDER.running;
}
