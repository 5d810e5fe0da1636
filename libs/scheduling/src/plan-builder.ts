import type { Task, TaskState } from '@flotilla/contracts';

export interface ReconcilePlan {
  /** New tasks: state `new`, desired `running`; slot set (replicated) or node set (global). */
  create: Task[];
  /** Changed copies of existing tasks; Version kept as read so the commit can check it. */
  update: Task[];
  /** Tasks to drop from the store. */
  delete: Task[];
  /** Earliest time a restart delay (or update pacing) expires; reconcile again then. */
  wakeAt?: number;
}

/**
 * Collects one pass's changes. Each task appears at most once across update
 * and delete (a delete wins), so the store can check every op against the
 * version it was read at without the plan conflicting with itself.
 */
export class PlanBuilder {
  private readonly created: Task[] = [];
  private readonly updated = new Map<string, Task>();
  private readonly deleted = new Map<string, Task>();
  private wake: number | undefined;
  private readonly at: string;

  constructor(now: number) {
    this.at = new Date(now).toISOString();
  }

  create(t: Task): void {
    this.created.push(t);
  }

  get createdCount(): number {
    return this.created.length;
  }

  /** The task as it will be once the plan applies. */
  current(t: Task): Task {
    return this.updated.get(t.ID) ?? t;
  }

  setDesired(t: Task, state: TaskState): void {
    const cur = this.current(t);
    if (cur.DesiredState === state || this.deleted.has(t.ID)) return;
    this.updated.set(t.ID, { ...cur, DesiredState: state, UpdatedAt: this.at });
  }

  delete(t: Task): void {
    this.updated.delete(t.ID);
    this.deleted.set(t.ID, t);
  }

  wakeAt(at: number): void {
    if (this.wake === undefined || at < this.wake) this.wake = at;
  }

  build(): ReconcilePlan {
    const plan: ReconcilePlan = { create: this.created, update: [...this.updated.values()], delete: [...this.deleted.values()] };
    if (this.wake !== undefined) plan.wakeAt = this.wake;
    return plan;
  }
}
