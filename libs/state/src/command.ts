import type { TaskReport } from '@flotilla/contracts';
import type { ObjectKind, ObjectTypes } from './objects';

/**
 * What is proposed to the store: a batch applied atomically, all or nothing.
 * `expectIndex` is optimistic concurrency: the object's Version.Index the
 * writer read (null = must not exist yet). A mismatch rejects the whole batch,
 * which is how a plan made on a snapshot is re-checked at the one commit point.
 */
export type Op =
  | { op: 'put'; kind: ObjectKind; obj: ObjectTypes[ObjectKind]; expectIndex?: number | null }
  | { op: 'delete'; kind: ObjectKind; id: string; expectIndex?: number }
  | { op: 'taskStatus'; nodeId: string; report: TaskReport; at: string }
  | { op: 'nodeState'; nodeId: string; state: 'ready' | 'down'; message: string; at: string }
  | { op: 'createTasks'; serviceId: string; serviceIndex: number; at: string; tasks: TaskSeed[] }
  | { op: 'placeTask'; taskId: string; expectIndex: number; at: string; nodeId?: string; err?: string };

/**
 * A new task named by what differs between tasks: each replica builds the
 * object with `newTask` from the service it holds at `serviceIndex`, so a
 * 100,000-task plan travels (through Raft, to disk, to every manager) as a few
 * MB of ids instead of 100,000 copies of the task template, and every task of
 * a service shares one template object in memory.
 */
export interface TaskSeed {
  id: string;
  slot?: number;
  /** A global task's node. */
  nodeId?: string;
  /** Placed in the same pass: created `assigned` to this node. */
  assignedTo?: string;
  /** A stop-first replacement: created with desired state `ready`, run once its predecessor stopped. */
  held?: true;
}

export interface Batch {
  ops: Op[];
  /** Set by clients that retry, so a retried batch is applied at most once. */
  requestId?: string;
}

export function put<K extends ObjectKind>(kind: K, obj: ObjectTypes[K], expectIndex?: number | null): Op {
  return { op: 'put', kind, obj, expectIndex } as Op;
}

export function del(kind: ObjectKind, id: string, expectIndex?: number): Op {
  return { op: 'delete', kind, id, expectIndex };
}

/** A scheduler decision on an existing task: assigned to `nodeId`, or left pending with `err`. */
export function place(task: { ID: string; Version: { Index: number } }, at: string, to: { nodeId: string } | { err: string }): Op {
  return { op: 'placeTask', taskId: task.ID, expectIndex: task.Version.Index, at, ...to };
}
