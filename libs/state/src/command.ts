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
  | { op: 'nodeState'; nodeId: string; state: 'ready' | 'down'; message: string; at: string };

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
