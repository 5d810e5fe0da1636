import { Logger } from '@nestjs/common';
import type { TaskReport } from '@flotilla/contracts';
import type { ManagerClient } from './manager-client';

/**
 * Sends task reports in batches. The latest report per task wins; a batch
 * that fails is retried with whatever newer reports arrived meanwhile, so the
 * manager always ends up with each task's last state.
 */
export class Reporter {
  private readonly log = new Logger(Reporter.name);
  private pending = new Map<string, TaskReport>();
  private timer?: NodeJS.Timeout;
  private sending = false;

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
    // Two reports of one state (the runner's and a resync's) merge: the richer fields survive.
    this.pending.set(r.taskId, prev && prev.state === r.state ? { ...prev, ...definedOnly(r) } : r);
    this.schedule(this.delayMs);
  }

  async flush(): Promise<void> {
    if (this.sending || this.pending.size === 0) return;
    this.sending = true;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.client.report(this.nodeId(), [...batch.values()]);
    } catch (e) {
      for (const [k, v] of batch) if (!this.pending.has(k)) this.pending.set(k, v);
      this.log.warn({ msg: 'report failed, will retry', count: batch.size, err: (e as Error).message });
      this.schedule(1000);
    } finally {
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

function definedOnly(r: TaskReport): Partial<TaskReport> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Partial<TaskReport>;
}
