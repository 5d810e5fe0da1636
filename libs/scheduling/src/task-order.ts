import { isTerminal, taskStateRank, type Task } from '@flotilla/contracts';

const RUNNING = taskStateRank('running');

/** Oldest first; the id breaks ties so every pass sees the same order. */
export function byCreation(a: Task, b: Task): number {
  if (a.CreatedAt !== b.CreatedAt) return a.CreatedAt < b.CreatedAt ? -1 : 1;
  return a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0;
}

/** Wanted (desired at most running) and not finished: it stands for its slot. */
export function isLive(t: Task): boolean {
  return taskStateRank(t.DesiredState) <= RUNNING && !isTerminal(t.Status.State);
}

/** Finished while still wanted running: the restart policy decides what follows. */
export function endedWhileWanted(t: Task): boolean {
  return taskStateRank(t.DesiredState) <= RUNNING && isTerminal(t.Status.State);
}

/** Finished and no longer wanted: history, deletable beyond the retention limit. */
export function isRetired(t: Task): boolean {
  return taskStateRank(t.DesiredState) > RUNNING && isTerminal(t.Status.State);
}

const ASSIGNED = taskStateRank('assigned');

/**
 * No longer wanted and never handed to a node: no worker will ever report it
 * stopped, so it can go at once (swarmkit's task reaper does the same).
 */
export function isAbandoned(t: Task): boolean {
  return taskStateRank(t.DesiredState) > RUNNING && !t.NodeID && taskStateRank(t.Status.State) < ASSIGNED;
}

export function timestampMs(t: Task): number {
  const ms = Date.parse(t.Status.Timestamp);
  return Number.isNaN(ms) ? 0 : ms;
}
