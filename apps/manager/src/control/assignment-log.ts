import type { Task } from '@flotilla/contracts';
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

  constructor(private floor: number) {}

  observe(e: ChangeEvent): void {
    // A state replaced wholesale (a snapshot installed): nothing before it can be told apart.
    if (e.changes.length === 0) {
      this.removed.clear();
      this.nodeFloor.clear();
      this.floor = e.index;
      return;
    }
    for (const c of e.changes) {
      if (c.kind !== 'task') continue;
      const before = c.before as Task | undefined;
      const after = c.after as Task | undefined;
      if (before?.NodeID && before.NodeID !== after?.NodeID) this.remember(before.NodeID, before.ID, e.index);
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
