import { Inject, Injectable } from '@nestjs/common';
import { FlotillaError, isTaskState, type TaskReport } from '@flotilla/contracts';
import type { Op, StateStore } from '@flotilla/state';
import { CLOCK, STATE_STORE, type Clock } from '../tokens';

/**
 * Reports per proposal (about 50 KB of JSON): every manager applies a proposal in one go, and
 * 5,000 at once held a follower's event loop for hundreds of ms on a busy machine; 1,000 still
 * took longer than a turn's share of applying (see MAX_WRITES_PER_PROPOSAL).
 */
export const MAX_OPS_PER_PROPOSAL = 250;
/**
 * Proposals in flight at once: Raft carries those made in one turn in one append and one fsync,
 * so several in flight keep the log busy while each stays small. At four, with commits taking
 * ~300 ms on a busy leader, a thousand nodes' reports waited 5-6 s in this queue (the nodes
 * timed out and reported again). 64 of 250 carry what 16 of 1,000 did.
 */
export const MAX_IN_FLIGHT = 64;

interface Pending {
  ops: Op[];
  done: ((e?: unknown) => void)[];
}

/**
 * Task reports from workers, folded into store proposals: fifty containers
 * starting at once cost one write, not fifty. A few proposals are in flight at
 * a time and whatever arrives meanwhile goes into the next, so under load the
 * batches grow with the commit time instead of the commits multiplying (a
 * thousand nodes reporting at once made hundreds of small proposals, each
 * a WAL write, an fsync and a change event for every watcher).
 */
@Injectable()
export class StatusService {
  private queue: Pending[] = [];
  private inflight = 0;
  private waiting = false;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  report(nodeId: string, reports: TaskReport[]): Promise<void> {
    for (const r of reports) validateReport(r);
    const at = new Date(this.clock.now()).toISOString();
    let p = this.queue[this.queue.length - 1];
    if (!p || p.ops.length + reports.length > MAX_OPS_PER_PROPOSAL) this.queue.push((p = { ops: [], done: [] }));
    for (const report of reports) p.ops.push({ op: 'taskStatus', nodeId, report, at });
    const promise = new Promise<void>((resolve, reject) => p.done.push((e) => (e ? reject(e) : resolve())));
    this.pump();
    return promise;
  }

  private pump(): void {
    if (this.inflight >= MAX_IN_FLIGHT || this.queue.length === 0 || this.waiting) return;
    this.waiting = true;
    // A turn of the event loop first, so the requests already read join this batch; then every
    // free slot at once (one proposal per turn was ~2 a second on a leader whose turns took
    // 500 ms: reports waited 6 s in this queue while commits took a fraction of that).
    setImmediate(() => {
      this.waiting = false;
      while (this.inflight < MAX_IN_FLIGHT && this.queue.length > 0) this.send(this.queue.shift()!);
    });
  }

  private send(p: Pending): void {
    this.inflight++;
    this.store.propose({ ops: p.ops }).then(
      () => p.done.forEach((d) => d()),
      (e) => p.done.forEach((d) => d(e)),
    ).finally(() => {
      this.inflight--;
      this.pump();
    });
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
  if (r.restarted !== undefined && typeof r.restarted !== 'boolean') throw bad('restarted');
}
