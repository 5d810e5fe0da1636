import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { FlotillaError, type Task } from '@flotilla/contracts';
import { del, newId, put, type Op, type StateStore } from '@flotilla/state';
import { reconcile, schedule } from '@flotilla/scheduling';
import { CLOCK, STATE_STORE, type Clock } from '../tokens';

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
  private stopped = false;
  private wakeTimer?: NodeJS.Timeout;
  private unwatch?: () => void;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.unwatch = this.store.watch(() => this.kick());
    this.kick();
  }

  onModuleDestroy() {
    this.stopped = true;
    this.unwatch?.();
    clearTimeout(this.wakeTimer);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = true;
    setImmediate(() => void this.loop());
  }

  private async loop() {
    try {
      for (let pass = 0; pass < 1000 && !this.stopped; pass++) {
        this.dirty = false;
        if (!this.store.isWritable()) break;
        const changed = await this.pass();
        if (!changed && !this.dirty) break;
      }
    } catch (e) {
      this.log.error({ msg: 'control loop failed', err: (e as Error).stack });
      this.dirty = true;
    } finally {
      this.running = false;
      if (this.dirty) setTimeout(() => this.kick(), 200).unref();
    }
  }

  /** One reconcile + schedule pass; true when it committed something. */
  private async pass(): Promise<boolean> {
    const a = await this.commit(this.reconcileOps());
    const b = await this.commit(this.scheduleOps());
    return a || b;
  }

  private reconcileOps(): Op[] {
    const view = this.store.view();
    const now = this.clock.now();
    const orphanTasks: Task[] = [];
    for (const t of view.tasks.values()) if (!view.services.has(t.ServiceID)) orphanTasks.push(t);
    const plan = reconcile({
      services: view.services.values(),
      tasksOfService: (id) => view.tasksOfService(id),
      nodes: view.nodes,
      now,
      newId,
      historyLimit: view.cluster?.Spec.Orchestration.TaskHistoryRetentionLimit ?? 5,
      orphanTasks,
    });
    this.scheduleWake(plan.wakeAt, now);
    return [
      ...plan.create.map((t) => put('task', t, null)),
      ...plan.update.map((t) => put('task', t, t.Version.Index)),
      ...plan.delete.map((t) => del('task', t.ID, t.Version.Index)),
    ];
  }

  private scheduleOps(): Op[] {
    const view = this.store.view();
    const pending: Task[] = [];
    for (const t of view.tasks.values()) {
      // Global tasks arrive with their node already chosen; the scheduler still checks that node.
      if (t.DesiredState === 'running' && (t.Status.State === 'new' || t.Status.State === 'pending')) {
        pending.push(t);
      }
    }
    if (pending.length === 0) return [];
    const plan = schedule({ nodes: view.nodes, services: view.services, tasks: view.tasks.values(), pending, now: this.clock.now() });
    const at = new Date(this.clock.now()).toISOString();
    const ops: Op[] = [];
    for (const { task, nodeId } of plan.assign) {
      ops.push(
        put(
          'task',
          {
            ...task,
            NodeID: nodeId,
            UpdatedAt: at,
            Status: { Timestamp: at, State: 'assigned', Message: 'assigned' },
          },
          task.Version.Index,
        ),
      );
    }
    for (const { task, reason } of plan.unschedulable) {
      if (task.Status.State === 'pending' && task.Status.Err === reason) continue;
      ops.push(
        put(
          'task',
          { ...task, UpdatedAt: at, Status: { Timestamp: at, State: 'pending', Message: 'pending task scheduling', Err: reason } },
          task.Version.Index,
        ),
      );
    }
    return ops;
  }

  private async commit(ops: Op[]): Promise<boolean> {
    if (ops.length === 0) return false;
    try {
      await this.store.propose({ ops });
      return true;
    } catch (e) {
      // A plan made on a view that moved on is simply made again.
      if (e instanceof FlotillaError && (e.code === 'out_of_sequence' || e.code === 'conflict')) {
        this.dirty = true;
        return false;
      }
      throw e;
    }
  }

  private scheduleWake(wakeAt: number | undefined, now: number) {
    if (wakeAt === undefined) return;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => this.kick(), Math.max(0, wakeAt - now) + 5);
    this.wakeTimer.unref();
  }
}
