import type { Task, TaskStatusPatch } from '@flotilla/contracts';
import type { ChangeEvent } from '@flotilla/state';

/** Removals kept per node; a node further behind than this gets its full set. */
const MAX_REMOVALS_PER_NODE = 5_000;

/**
 * What a node needs to catch up from the store index it holds: the tasks of its set that changed
 * since (their Version.Index says so) and the ids that left its set (kept here, as the store no
 * longer has them). Fed every applied change; a node asking from before what this log covers
 * (this manager started later, or it trimmed) gets its full set instead.
 */
export class AssignmentLog {
  private readonly removed = new Map<string, { id: string; index: number }[]>();
  /** Per node: the lowest index from which its removals are complete (else `floor`). */
  private readonly nodeFloor = new Map<string, number>();

  /**
   * Per task id, for its version `version`: the index of its last change that was not only a status
   * (a report). A task changed only in status after `since` is sent to a node holding `since` as a
   * status patch. Kept by id, not in a WeakMap by object: 100k young task objects as weak keys
   * made every scavenge of a busy leader walk them.
   */
  private readonly bodyIndex = new Map<string, { version: number; at: number }>();

  constructor(private floor: number) {}

  /** When the task last changed in more than its status (its own index when this log cannot tell). */
  bodyChangedAt(t: Task): number {
    const b = this.bodyIndex.get(t.ID);
    return b !== undefined && b.version === t.Version.Index ? b.at : t.Version.Index;
  }

  observe(e: ChangeEvent): void {
    // A state replaced wholesale (a snapshot installed): nothing before it can be told apart.
    if (e.changes.length === 0) {
      this.removed.clear();
      this.nodeFloor.clear();
      this.bodyIndex.clear();
      this.floor = e.index;
      return;
    }
    for (const c of e.changes) {
      if (c.kind !== 'task') continue;
      const before = c.before as Task | undefined;
      const after = c.after as Task | undefined;
      if (before?.NodeID && before.NodeID !== after?.NodeID) this.remember(before.NodeID, before.ID, e.index);
      if (before && after && statusOnly(before, after)) this.bodyIndex.set(c.id, { version: after.Version.Index, at: this.bodyChangedAt(before) });
      else this.bodyIndex.delete(c.id);
    }
  }

  private remember(nodeId: string, id: string, index: number) {
    let list = this.removed.get(nodeId);
    if (!list) this.removed.set(nodeId, (list = []));
    list.push({ id, index });
    if (list.length > MAX_REMOVALS_PER_NODE) {
      const dropped = list.splice(0, list.length - MAX_REMOVALS_PER_NODE);
      this.nodeFloor.set(nodeId, dropped[dropped.length - 1].index);
    }
  }

  /** Whether a node holding its set at `since` can be sent only what changed (else: its full set). */
  covers(nodeId: string, since: number, current: number): boolean {
    return Number.isSafeInteger(since) && since >= Math.max(this.floor, this.nodeFloor.get(nodeId) ?? 0) && since <= current;
  }

  /** Ids that left the node's set after `since`. */
  removedSince(nodeId: string, since: number): string[] {
    const list = this.removed.get(nodeId);
    if (!list) return [];
    const out: string[] = [];
    // Newest last: walk back until older than `since`.
    for (let i = list.length - 1; i >= 0 && list[i].index > since; i--) out.push(list[i].id);
    return out;
  }

  /** A node that left the cluster: its removals are of no more use. */
  forget(nodeId: string): void {
    this.removed.delete(nodeId);
    this.nodeFloor.delete(nodeId);
  }
}

/** The tasks of a node's set changed after `since`. */
export const changedSince = (tasks: readonly Task[], since: number): Task[] => tasks.filter((t) => t.Version.Index > since);

/** What a status report may change; every other field of the task object is carried over as is. */
const STATUS_FIELDS = new Set(['Version', 'UpdatedAt', 'Status', 'NetworksAttachments']);

/** Whether `after` differs from `before` in status fields only (the state machine copies the rest by reference). */
export function statusOnly(before: Task, after: Task): boolean {
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  // Counted with for-in, not Object.keys: two arrays per change for every report of 100k tasks.
  let n = 0;
  for (const k in a) {
    n++;
    if (!STATUS_FIELDS.has(k) && (a[k] !== b[k] || !(k in b))) return false;
  }
  for (const _ in b) n--;
  return n === 0;
}

/**
 * The delta of a node's set after `since`: tasks whose body changed go whole, tasks changed only in
 * status go as patches (a node's own reports came back whole: every task crossed the wire twice).
 */
export function splitChanges(tasks: readonly Task[], since: number, bodyChangedAt: (t: Task) => number): { whole: Task[]; statuses: Task[] } {
  const whole: Task[] = [];
  const statuses: Task[] = [];
  for (const t of tasks) {
    if (t.Version.Index <= since) continue;
    if (bodyChangedAt(t) > since) whole.push(t);
    else statuses.push(t);
  }
  return { whole, statuses };
}

/** What a delta sends of a task changed only in status. */
export function statusPatch(t: Task): TaskStatusPatch {
  return { ID: t.ID, Version: t.Version, UpdatedAt: t.UpdatedAt, Status: t.Status, ...(t.NetworksAttachments ? { NetworksAttachments: t.NetworksAttachments } : {}) };
}
