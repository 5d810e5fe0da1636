import { Logger } from '@nestjs/common';
import type { TaskReport } from '@flotilla/contracts';
import type { ManagerClient } from './manager-client';

/** Tasks whose last acknowledged report is remembered (oldest forgotten first). */
const ACKED_LIMIT = 50_000;

/**
 * Sends task reports in batches. The latest report per task wins; a batch
 * that fails is retried with whatever newer reports arrived meanwhile, so the
 * manager always ends up with each task's last state. A report that says what
 * the manager already acknowledged for that task (or what is on its way) is
 * not sent again: the node's level-triggered sync re-reports every task the
 * set it fetched does not yet show in its new state, and a set fetched while a
 * report was in flight sent each task's report twice (186k reports for 100k tasks).
 */
export class Reporter {
  private readonly log = new Logger(Reporter.name);
  private pending = new Map<string, TaskReport>();
  private timer?: NodeJS.Timeout;
  private sending = false;
  /** Per task, what the manager acknowledged last (it is committed there). */
  private readonly acked = new Map<string, TaskReport>();
  /** The batch on its way. */
  private inFlight = new Map<string, TaskReport>();

  constructor(
    private readonly client: Pick<ManagerClient, 'report'>,
    private readonly nodeId: () => string,
    private readonly delayMs = 20,
    /** What the node adds to a report on its way out (where a task's ports are published). */
    private readonly stamp: (r: TaskReport) => TaskReport = (r) => r,
  ) {}

  push(report: TaskReport): void {
    const r = this.stamp(report);
    const prev = this.pending.get(r.taskId);
    if (!prev) {
      const known = this.inFlight.get(r.taskId) ?? this.acked.get(r.taskId);
      if (known && repeats(r, known)) return;
    }
    // Two reports of one state (the runner's and a resync's) merge: the richer fields survive.
    this.pending.set(r.taskId, prev && prev.state === r.state ? { ...prev, ...definedOnly(r) } : r);
    this.schedule(this.delayMs);
  }

  async flush(): Promise<void> {
    if (this.sending || this.pending.size === 0) return;
    this.sending = true;
    const batch = this.pending;
    this.pending = new Map();
    this.inFlight = batch;
    try {
      await this.client.report(this.nodeId(), [...batch.values()]);
      for (const [id, r] of batch) {
        const before = this.acked.get(id);
        this.acked.delete(id);
        this.acked.set(id, before && before.state === r.state ? { ...before, ...definedOnly(r) } : r);
      }
      for (const id of this.acked.keys()) {
        if (this.acked.size <= ACKED_LIMIT) break;
        this.acked.delete(id);
      }
    } catch (e) {
      for (const [k, v] of batch) if (!this.pending.has(k)) this.pending.set(k, v);
      this.log.warn({ msg: 'report failed, will retry', count: batch.size, err: (e as Error).message });
      this.schedule(1000);
    } finally {
      this.inFlight = new Map();
      this.sending = false;
      if (this.pending.size) this.schedule(this.delayMs);
    }
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private schedule(ms: number) {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }
}

/** Fields the manager does not take as news within a state (see the state machine's taskStatus). */
const NOT_NEWS = new Set(['taskId', 'state', 'message', 'err', 'pid', 'command']);

/**
 * Whether a report tells the manager nothing `known` (acknowledged, or on its way) did not: the
 * same state and no field of its own that differs. Within `preparing` a new message is news (an
 * image being shipped); health, a pause, addresses, published ports and exit codes always are.
 */
export function repeats(r: TaskReport, known: TaskReport): boolean {
  if (r.state !== known.state) return false;
  if (r.state === 'preparing' && r.message !== known.message) return false;
  for (const [k, v] of Object.entries(r)) {
    if (v === undefined || NOT_NEWS.has(k)) continue;
    const w = known[k as keyof TaskReport];
    if (v !== w && JSON.stringify(v) !== JSON.stringify(w)) return false;
  }
  return true;
}

function definedOnly(r: TaskReport): Partial<TaskReport> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Partial<TaskReport>;
}
