import { Inject, Injectable } from '@nestjs/common';
import { FlotillaError, isTaskState, type TaskReport } from '@flotilla/contracts';
import type { Op, StateStore } from '@flotilla/state';
import { CLOCK, STATE_STORE, type Clock } from '../tokens';

/**
 * Task reports from workers, folded into one store proposal per turn of the
 * event loop: fifty containers starting at once cost one write, not fifty.
 */
@Injectable()
export class StatusService {
  private pending: { ops: Op[]; done: ((e?: unknown) => void)[] } | undefined;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  report(nodeId: string, reports: TaskReport[]): Promise<void> {
    for (const r of reports) validateReport(r);
    const at = new Date(this.clock.now()).toISOString();
    if (!this.pending) {
      const p = (this.pending = { ops: [] as Op[], done: [] as ((e?: unknown) => void)[] });
      setImmediate(() => {
        this.pending = undefined;
        this.store.propose({ ops: p.ops }).then(
          () => p.done.forEach((d) => d()),
          (e) => p.done.forEach((d) => d(e)),
        );
      });
    }
    for (const report of reports) this.pending.ops.push({ op: 'taskStatus', nodeId, report, at });
    const p = this.pending;
    return new Promise((resolve, reject) => p.done.push((e) => (e ? reject(e) : resolve())));
  }
}

function validateReport(r: TaskReport) {
  const bad = (what: string) => new FlotillaError('invalid_argument', `invalid task report: ${what}`);
  if (typeof r !== 'object' || r === null) throw bad('not an object');
  if (typeof r.taskId !== 'string' || !/^[a-z0-9]{1,64}$/.test(r.taskId)) throw bad('taskId');
  if (!isTaskState(r.state)) throw bad(`state ${String(r.state)}`);
  if (typeof r.message !== 'string' || r.message.length > 4096) throw bad('message');
  if (r.err !== undefined && (typeof r.err !== 'string' || r.err.length > 4096)) throw bad('err');
  if (r.containerId !== undefined && (typeof r.containerId !== 'string' || !/^[0-9a-f]{12,64}$/.test(r.containerId)))
    throw bad('containerId');
  if (r.exitCode !== undefined && !Number.isSafeInteger(r.exitCode)) throw bad('exitCode');
  if (r.command !== undefined && (typeof r.command !== 'string' || r.command.length > 4096)) throw bad('command');
  if (r.pid !== undefined && !Number.isSafeInteger(r.pid)) throw bad('pid');
  if (r.addresses !== undefined && (typeof r.addresses !== 'object' || r.addresses === null)) throw bad('addresses');
}
