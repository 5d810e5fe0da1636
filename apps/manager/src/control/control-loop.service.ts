import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { FlotillaError, type Task } from '@flotilla/contracts';
import { del, newId, place, put, type Op, type StateStore } from '@flotilla/state';
import { dependenciesOf, planUpdates, reconcileSteps, scheduleSteps } from '@flotilla/scheduling';
import { awaitsAddress, planNetworkAllocations } from '@flotilla/networking';
import { CLOCK, STATE_STORE, type Clock } from '../tokens';
import { affectsPlans, opensDependencyGate } from './plan-relevance';
import { createTaskOpsSteps } from './task-seeds';
import { createWindowSteps } from './create-window';
import { chunkOps } from './proposal-chunks';
import { TimeSlicer } from './time-slicer';

/** Pause before a pass woken only by others' writes. */
const COALESCE_MS = 200;

/**
 * Objects written per proposal (a task created, a status, a placement): every manager applies a
 * proposal in one go, so this bounds how long one holds its event loop (and Raft's ticks). At
 * 1,000 one entry took a follower up to 90 ms to apply, longer than a whole turn's share
 * (TurnShares); at 250 follower loop delay p99 fell from ~55 to ~40 ms in bench/control-plane.
 */
const MAX_WRITES_PER_PROPOSAL = 250;
/**
 * Objects written by one pass; the next pass plans the rest. Each pass waits for its commits, so a
 * 100k-task service took ten passes (and ten commit waits behind the node calls) at 10k; every
 * manager applies the entries in slices of its event loop (RaftHost), so a bigger pass does not
 * hold a loop longer, only the planning does (~0.5 s for 100k tasks planned).
 */
const MAX_WRITES_PER_PASS = 50_000;
/**
 * Proposals of one pass in flight at once: all of them (Raft carries those made in one turn in
 * one append and one fsync). In rounds of four, a 10k-task pass waited three commit round trips,
 * and a 100k-task service took ten passes of that.
 */
const PROPOSALS_IN_FLIGHT = Math.ceil(MAX_WRITES_PER_PASS / MAX_WRITES_PER_PROPOSAL);
/** Tasks created by one pass: no more than it commits. */
const MAX_CREATES_PER_PASS = MAX_WRITES_PER_PASS;
/**
 * Tasks planned by one pass, of which it commits MAX_CREATES_PER_PASS (see createWindow): enough
 * that the spread scheduler gives each node its whole share at once on a big service.
 */
const MAX_PLANNED_CREATES = 100_000;
/**
 * Longest stretch of planning in one turn of the event loop: the leader's loop must stay under
 * ~40 ms a turn (Raft's heartbeats, the node calls and the applies share it).
 */
const PLAN_SLICE_MS = 4;

/**
 * The glue around the two pure planners: read the view, plan, commit the plan
 * in one proposal guarded by the versions it was made from. Level-triggered:
 * any change re-runs the whole pass; a pass that changes nothing ends the loop.
 */
@Injectable()
export class ControlLoopService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(ControlLoopService.name);
  private running = false;
  private dirty = false;
  /** A user's change arrived during a pass: the pass after it starts at once. */
  private urgent = false;
  private stopped = false;
  private wakeTimer?: NodeJS.Timeout;
  /** The pause before a pass woken by others' writes (see kick). */
  private coalesceTimer?: NodeJS.Timeout;
  private wakeDue?: number;
  private unwatch?: () => void;
  private unlead?: () => void;
  private lastPassEnd = 0;
  private lastPassMs = 0;
  /** Told of each pass (seconds, and whether it committed anything): the manager's metrics. */
  onPass: ((seconds: number, changed: boolean) => void) | null = null;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.unwatch = this.store.watch((e) => {
      if (e.changes.length === 0 || e.changes.some((c) => c.kind === 'service')) this.dependedOn = undefined;
      if (!affectsPlans(e, (id) => inUpdate(this.store.view().services.get(id)), (id) => this.isDependedOn(id))) return;
      // A user's change (a service scaled, a node drained) is planned at once; task reports may gather first.
      this.kick(e.changes.some((c) => c.kind !== 'task') || opensDependencyGate(e, (id) => this.isDependedOn(id)));
    });
    // Only the leader plans; a manager that just became leader starts with a full pass.
    this.unlead = this.store.onLeaderChange((leader) => leader && this.kick());
    this.kick();
  }

  /** Names of the services others depend on (compose's depends_on); recomputed when services change. */
  private dependedOn?: Set<string>;

  /** Whether another service waits on this one's tasks starting or running (compose's depends_on). */
  private isDependedOn(serviceId: string): boolean {
    const view = this.store.view();
    const svc = view.services.get(serviceId);
    if (!svc) return false;
    if (!this.dependedOn) {
      this.dependedOn = new Set();
      for (const s of view.services.values()) for (const name of Object.keys(dependenciesOf(s))) this.dependedOn.add(name);
    }
    return this.dependedOn.has(svc.Spec.Name);
  }

  onModuleDestroy() {
    this.stopped = true;
    this.unwatch?.();
    this.unlead?.();
    clearTimeout(this.wakeTimer);
    clearTimeout(this.coalesceTimer);
  }

  kick(urgent = false): void {
    if (this.stopped) return;
    if (this.running) {
      // A user's change does not sit out a pause that task reports asked for (up to 200 ms of a
      // `docker service scale` before anything moves): the pass waiting for them starts now.
      if (urgent && this.coalesceTimer) {
        clearTimeout(this.coalesceTimer);
        this.coalesceTimer = undefined;
        setImmediate(() => void this.loop());
        return;
      }
      this.dirty = true;
      this.urgent ||= urgent;
      return;
    }
    this.running = true;
    if (urgent) {
      setImmediate(() => void this.loop());
      return;
    }
    // Woken by others' writes (task reports streaming in): let more gather first, at least as
    // long as a pass takes, so planning over 100k tasks keeps to about half the CPU instead of
    // re-running for every report batch. Our own commits continue the loop without this pause.
    const wait = this.lastPassEnd + Math.max(COALESCE_MS, this.lastPassMs) - performance.now();
    if (wait > 0) {
      this.coalesceTimer = setTimeout(() => {
        this.coalesceTimer = undefined;
        void this.loop();
      }, wait);
    } else setImmediate(() => void this.loop());
  }

  private async loop() {
    try {
      for (let pass = 0; pass < 1000 && !this.stopped; pass++) {
        this.dirty = false;
        if (!this.store.isWritable()) break;
        const t0 = performance.now();
        const changed = await this.pass();
        this.lastPassEnd = performance.now();
        this.lastPassMs = this.lastPassEnd - t0;
        this.onPass?.(this.lastPassMs / 1000, changed);
        if (!changed) break;
      }
    } catch (e) {
      this.log.error({ msg: 'control loop failed', err: (e as Error).stack });
      this.dirty = true;
      // Back off: a loop that fails (no leader any more, say) must not spin.
      this.lastPassEnd = performance.now();
      this.lastPassMs = Math.max(this.lastPassMs, 200);
    } finally {
      this.running = false;
      // Writes that arrived during the last pass: one more pass for them (paced unless a user's).
      const urgent = this.urgent;
      this.urgent = false;
      if (this.dirty) this.kick(urgent);
    }
  }

  /** One reconcile + schedule pass; true when it committed something. */
  private async pass(): Promise<boolean> {
    // Rolling updates move on (paused, rolled back, completed) before tasks are planned against them.
    if ((await this.commit(this.updateOps())).committed) return true;
    const slicer = new TimeSlicer(PLAN_SLICE_MS);
    const plan = await this.reconcileOps(slicer);
    // Retirements first, on their own: the new tasks were placed as if they had happened, so they
    // go only once all of them did (and a stale update never takes 50k creations down with it).
    const changed = await this.commit(plan.changes);
    const created = changed.complete ? (await this.commit(plan.creates, slicer)).committed : false;
    if (!changed.complete && plan.creates.length > 0) this.dirty = true;
    const a = changed.committed || created;
    const n = (await this.commit(planNetworkAllocations(this.store.view()))).committed;
    const b = (await this.commit(await this.scheduleOps(slicer))).committed;
    return a || n || b;
  }

  private async reconcileOps(slicer: TimeSlicer): Promise<{ changes: Op[]; creates: Op[] }> {
    const view = this.store.view();
    const now = this.clock.now();
    const orphanTasks: Task[] = [];
    for (const t of view.tasks.values()) {
      if (slicer.checkpoint()) await slicer.pause();
      if (!view.services.has(t.ServiceID)) orphanTasks.push(t);
    }
    const plan = await slicer.run(reconcileSteps({
      services: view.services.values(),
      tasksOfService: (id) => view.tasksOfService(id),
      nodes: view.nodes,
      now,
      newId,
      historyLimit: view.cluster?.Spec.Orchestration.TaskHistoryRetentionLimit ?? 5,
      orphanTasks,
      // A few passes' worth is planned, one pass's is committed; the rest wait for the next pass.
      maxCreates: MAX_PLANNED_CREATES,
    }));
    this.scheduleWake(plan.wakeAt, now);
    // New tasks are placed in the same pass (as Nomad's scheduler creates allocations already
    // placed): one write per task instead of a create and then an assignment. Tasks that wait
    // for an overlay address are placed by a later pass, once the allocator gave them one.
    const placed = new Map<string, string>();
    // A held stop-first replacement (desired `ready`) is placed once released, when the old task's
    // host ports and reservations are free.
    const placeable = plan.create.filter((t) => t.DesiredState !== 'ready' && !awaitsAddress(t, view.networks));
    // Planned in slices of the event loop (TimeSlicer): 100k creations planned and placed in one
    // go held the leader's loop over half a second.
    if (placeable.length > 0) {
      const updated = new Map(plan.update.map((t) => [t.ID, t]));
      const deleted = new Set(plan.delete.map((t) => t.ID));
      const tasks = (function* () {
        for (const t of view.tasks.values()) if (!deleted.has(t.ID)) yield updated.get(t.ID) ?? t;
      })();
      const sp = await slicer.run(scheduleSteps({ nodes: view.nodes, services: view.services, tasks, pending: placeable, now }));
      for (const { task, nodeId } of sp.assign) {
        if (slicer.checkpoint()) await slicer.pause();
        placed.set(task.ID, nodeId);
      }
    }
    const window = await slicer.run(createWindowSteps(plan.create, placed, MAX_CREATES_PER_PASS));
    return {
      changes: [...plan.update.map((t) => put('task', t, t.Version.Index)), ...plan.delete.map((t) => del('task', t.ID, t.Version.Index))],
      creates: await slicer.run(createTaskOpsSteps(window, placed)),
    };
  }

  private updateOps(): Op[] {
    const view = this.store.view();
    const now = this.clock.now();
    const { write, wakeAt } = planUpdates(view.services.values(), (id) => view.tasksOfService(id), now);
    this.scheduleWake(wakeAt, now);
    return write.map((s) => put('service', s, s.Version.Index));
  }

  private async scheduleOps(slicer: TimeSlicer): Promise<Op[]> {
    if (slicer.due()) await slicer.pause();
    const view = this.store.view();
    const pending: Task[] = [];
    for (const t of view.tasks.values()) {
      if (slicer.checkpoint()) await slicer.pause();
      // Global tasks arrive with their node already chosen; the scheduler still checks that node.
      const wanted = t.DesiredState === 'running' || t.DesiredState === 'complete';
      if (wanted && (t.Status.State === 'new' || t.Status.State === 'pending') && !awaitsAddress(t, view.networks)) {
        pending.push(t);
      }
    }
    if (pending.length === 0) return [];
    const plan = await slicer.run(scheduleSteps({ nodes: view.nodes, services: view.services, tasks: view.tasks.values(), pending, now: this.clock.now() }));
    const at = new Date(this.clock.now()).toISOString();
    const ops: Op[] = [];
    for (const { task, nodeId } of plan.assign) ops.push(place(task, at, { nodeId }));
    for (const { task, reason } of plan.unschedulable) {
      if (task.Status.State === 'pending' && task.Status.Err === reason) continue;
      ops.push(place(task, at, { err: reason }));
    }
    return ops;
  }

  /** `complete`: every op is committed (none left for the next pass, none refused). */
  private async commit(ops: Op[], slicer?: TimeSlicer): Promise<{ committed: boolean; complete: boolean }> {
    if (ops.length === 0) return { committed: false, complete: true };
    // A 100k-task plan is ~100 MB of JSON: committing it at once would block the event loop (and
    // Raft heartbeats) for seconds. At most MAX_WRITES_PER_PASS go now, a bounded chunk per
    // proposal, with a turn of the event loop between chunks; the rest is planned again by the
    // next pass (each chunk is guarded by its own versions, so committing some and not others is safe).
    const { chunks, complete: all } = chunkOps(ops, MAX_WRITES_PER_PROPOSAL, MAX_WRITES_PER_PASS);
    let committed = false;
    let complete = all;
    // A few proposals at once: Raft carries those of one turn in one append and one fsync.
    for (let i = 0; i < chunks.length; i += PROPOSALS_IN_FLIGHT) {
      const proposals: Promise<unknown>[] = [];
      for (const ops of chunks.slice(i, i + PROPOSALS_IN_FLIGHT)) {
        // Fifty proposals made at once (each serialised) held the loop 30-50 ms.
        if (slicer?.due()) await slicer.pause();
        const p = this.store.propose({ ops });
        // Settled below; one refused while we pause is not an unhandled rejection.
        p.catch(() => undefined);
        proposals.push(p);
      }
      const out = await Promise.allSettled(proposals);
      for (const r of out) {
        if (r.status === 'fulfilled') {
          committed = true;
          continue;
        }
        const e = r.reason as unknown;
        // A plan made on a view that moved on is simply made again.
        if (e instanceof FlotillaError && (e.code === 'out_of_sequence' || e.code === 'conflict')) {
          this.dirty = true;
          complete = false;
          continue;
        }
        throw e;
      }
    }
    return { committed, complete };
  }

  /** Keeps the earliest wake asked for in this pass or a later one (a monitor end, a restart delay). */
  private scheduleWake(wakeAt: number | undefined, now: number) {
    if (wakeAt === undefined) return;
    if (this.wakeDue !== undefined && this.wakeDue > now && this.wakeDue <= wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeDue = wakeAt;
    this.wakeTimer = setTimeout(() => {
      this.wakeDue = undefined;
      this.kick();
    }, Math.max(0, wakeAt - now) + 5);
    this.wakeTimer.unref();
  }
}

/**
 * Whether a service may be in a rolling update (whose next batch waits on tasks running): any
 * service that was ever updated (`docker service update` sets UpdateStatus, a stack deploy only
 * PreviousSpec). Conservative: it only costs passes.
 */
function inUpdate(svc: { UpdateStatus?: unknown; PreviousSpec?: unknown } | undefined): boolean {
  return !svc || svc.UpdateStatus !== undefined || svc.PreviousSpec !== undefined;
}
