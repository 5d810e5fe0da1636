import { isTerminal, newTask, taskStateRank, type NewTaskContext, type Service, type SwarmNode, type Task } from '@flotilla/contracts';
import type { PlanBuilder } from './plan-builder';
import { historyNeeded, restartDecision } from './restart-policy';
import { deepEqual, sameSpec } from './spec-equal';
import { excessHistory } from './task-history';
import { activeUpdateConfig, isUpdatePaused } from './update-config';
import { byCreation, endedWhileWanted, isAbandoned, isLive, timestampMs } from './task-order';

const RUNNING = taskStateRank('running');
/**
 * Longest a stop-first replacement waits for its predecessor to stop, beyond that task's grace period:
 * a node that never reports its stop must not hold the slot empty for ever (swarmkit waits a minute).
 */
const HOLD_MARGIN_MS = 60_000;

/** One slot of a replicated service, or one node of a global one. */
export interface Slot {
  slot?: number;
  nodeId?: string;
  /** Every task of the slot, oldest first. */
  history: Task[];
  /** Tasks this plan creates for the slot. */
  created: Task[];
}

/** What every service's pass shares. */
export interface ServiceContext extends NewTaskContext {
  nodes: ReadonlyMap<string, SwarmNode>;
  historyLimit: number;
  plan: PlanBuilder;
  /** See ReconcileInput.maxCreates. */
  maxCreates?: number;
}

export interface SlotContext extends NewTaskContext {
  svc: Service;
  plan: PlanBuilder;
  /** False when a task on that node must be replaced at once (node down, drained, gone). */
  nodeUsable(nodeId: string | undefined): boolean;
  /** False on a paused (or not yet ready) node of a global service: keep what runs, start nothing. */
  canCreate: boolean;
}

/** What the slot means for a rolling update. */
export interface SlotOutcome {
  /** Up to date but not running yet (or updated and within UpdateConfig.Delay): counts against Parallelism. */
  inflight: boolean;
  /** When an in-flight slot stops counting only because its update delay ends. */
  until?: number;
  /** Live on the old spec: to be replaced when the update's budget allows. */
  stale?: Task;
}

export function slotOf(slot: number | undefined, nodeId: string | undefined, history: Task[] | undefined): Slot {
  const h = history ?? [];
  if (h.length > 1) h.sort(byCreation);
  return { slot, nodeId, history: h, created: [] };
}

/** A new task for the slot; `held`: desired `ready`, started once its predecessor stopped (see releaseHeld). */
export function createIn(slot: Slot, ctx: SlotContext, held = false): void {
  const t = newTask(ctx.svc, { slot: slot.slot, nodeId: slot.nodeId }, ctx);
  if (held) t.DesiredState = 'ready';
  slot.created.push(t);
  ctx.plan.create(t);
}

export function retire(t: Task, ctx: SlotContext): void {
  ctx.plan.setDesired(t, 'shutdown');
}

/**
 * Brings one slot to exactly one live, up-to-date task, except what a rolling
 * update paces (returned as `stale`) and what the restart policy delays or
 * declines. A task that ended while wanted keeps DesiredState `running` until
 * its replacement is created: that is how a later pass still knows the slot
 * is waiting for a restart rather than stopped on purpose.
 */
export function reconcileSlot(slot: Slot, ctx: SlotContext): SlotOutcome {
  const { history } = slot;
  let fresh: Task | undefined;
  let stale: Task | undefined;
  for (const t of history) {
    if (!isLive(t)) continue;
    if (!ctx.nodeUsable(t.NodeID)) {
      retire(t, ctx);
      continue;
    }
    // Oldest first, so the newest of each kind wins and older duplicates go.
    if (sameSpec(t, ctx.svc)) {
      if (fresh) retire(fresh, ctx);
      fresh = t;
    } else {
      if (stale) retire(stale, ctx);
      stale = t;
    }
  }
  const last = history.length > 0 ? history[history.length - 1] : undefined;
  const retireEnded = (except?: Task) => {
    for (const t of history) if (t !== except && endedWhileWanted(t)) retire(t, ctx);
  };

  if (fresh) {
    retireEnded();
    if (fresh.DesiredState === 'ready') {
      releaseHeld(fresh, history, ctx);
      return { inflight: true };
    }
    if (stale) {
      // start-first hands over once the new task runs; otherwise the old one goes now.
      const startFirst = activeUpdateConfig(ctx.svc).Order === 'start-first';
      if (!startFirst || fresh.Status.State === 'running') retire(stale, ctx);
    }
    return freshProgress(fresh, history, ctx);
  }
  if (stale) {
    if (ctx.canCreate && last && last !== stale && endedWhileWanted(last) && sameSpec(last, ctx.svc)) {
      // start-first: the new task died while the old one still runs. Its
      // restart policy paces the next try, so a bad image does not spin.
      const decision = restartDecision(last, history, { now: ctx.now, immediate: !ctx.nodeUsable(last.NodeID) });
      if (decision.kind !== 'now') {
        retireEnded(last);
        if (decision.kind === 'at') ctx.plan.wakeAt(decision.at);
        return { inflight: activeUpdateConfig(ctx.svc).FailureAction !== 'continue' };
      }
    }
    retireEnded();
    return ctx.canCreate ? { inflight: false, stale } : { inflight: false };
  }
  if (!ctx.canCreate) return { inflight: false };
  if (last && endedWhileWanted(last)) {
    retireEnded(last);
    if (!sameSpec(last, ctx.svc) || last.Status.State === 'orphaned') {
      // The service changed since (a fresh start, not a restart), or the task
      // was lost with its node (it did not fail): replace it now, whatever the policy.
      retire(last, ctx);
      createIn(slot, ctx);
      return { inflight: false };
    }
    // A task that ended on a node since gone away restarts without the delay.
    const decision = restartDecision(last, history, { now: ctx.now, immediate: !ctx.nodeUsable(last.NodeID) });
    // An updated slot whose new task keeps failing holds the rolling update
    // back, so a bad image stops at one batch (Docker pauses the update then),
    // unless FailureAction says to continue.
    const holds = activeUpdateConfig(ctx.svc).FailureAction !== 'continue' && wasUpdated(last, history);
    if (decision.kind === 'now') {
      retire(last, ctx);
      createIn(slot, ctx);
      return { inflight: holds };
    }
    if (decision.kind === 'at') ctx.plan.wakeAt(decision.at);
    return { inflight: holds && last.Status.State !== 'complete' };
  }
  // Empty, or its last task was stopped on purpose (scale, drain, update): start one now (held
  // while an update's retired task still stops: its retirement and this creation may land in
  // different passes).
  retireEnded();
  createIn(slot, ctx, holdsFor(slot, ctx));
  return { inflight: false };
}

/**
 * A slot counts against the update's parallelism until its new task runs,
 * and, if it was updated (its history holds another spec), for
 * UpdateConfig.Delay more: the pause Docker makes between batches.
 */
function freshProgress(fresh: Task, history: readonly Task[], ctx: SlotContext): SlotOutcome {
  if (taskStateRank(fresh.Status.State) < RUNNING) return { inflight: true };
  const delayMs = activeUpdateConfig(ctx.svc).Delay / 1e6;
  if (delayMs <= 0) return { inflight: false };
  const until = timestampMs(fresh) + delayMs;
  if (ctx.now >= until || !wasUpdated(fresh, history)) return { inflight: false };
  return { inflight: true, until };
}

/** The slot ran another spec before `t`'s: it is part of a rolling update. */
function wasUpdated(t: Task, history: readonly Task[]): boolean {
  return history.some((h) => h !== t && !deepEqual(h.Spec, t.Spec));
}

/**
 * A stop-first replacement (desired `ready`: not placed, not started) runs once every other task of
 * its slot has stopped, as Swarm's updater starts it and as docker-compose 1.29 recreates: stop the old
 * container, then start the new one. Two instances never overlap, so a database on a volume or a
 * fixed host port is never held by both. A predecessor on a node that is gone, or that did not stop
 * within its grace period and a margin, holds it back no longer.
 */
function releaseHeld(fresh: Task, history: readonly Task[], ctx: SlotContext): void {
  let until = -Infinity;
  for (const t of history) {
    if (t === fresh || !stillStopping(t, ctx)) continue;
    until = Math.max(until, timestampMs(fresh) + (t.Spec.ContainerSpec.StopGracePeriod ?? 10e9) / 1e6 + HOLD_MARGIN_MS);
  }
  if (ctx.now >= until) ctx.plan.setDesired(fresh, 'running');
  else ctx.plan.wakeAt(until);
}

/**
 * Whether a new task of the slot is held (see releaseHeld): stop-first, and a task of an older spec
 * retired in the slot (now or by an earlier pass) may still be stopping. Any such task counts, not
 * only the one replaced now: a held task replaced again before it ran leaves its own predecessor.
 */
function holdsFor(slot: Slot, ctx: SlotContext): boolean {
  if (activeUpdateConfig(ctx.svc).Order === 'start-first') return false;
  return slot.history.some((t) => {
    const cur = ctx.plan.current(t);
    return taskStateRank(cur.DesiredState) > RUNNING && !sameSpec(cur, ctx.svc) && stillStopping(cur, ctx);
  });
}

/** A task that may still have a container to stop: placed on a node that answers, and not ended. */
function stillStopping(t: Task, ctx: SlotContext): boolean {
  return !!t.NodeID && !isTerminal(t.Status.State) && ctx.nodeUsable(t.NodeID);
}

/** Starts the rolling update of as many stale slots as UpdateConfig.Parallelism allows. */
export function rollStaleSlots(stale: { slot: Slot; task: Task }[], inflight: number, ctx: SlotContext, delayedUntil?: number): void {
  // A paused update (or rollback) leaves the rest on the old spec until the user acts.
  if (stale.length === 0 || isUpdatePaused(ctx.svc)) return;
  const cfg = activeUpdateConfig(ctx.svc);
  // Docker's default is one at a time; 0 means all at once.
  const parallelism = cfg.Parallelism;
  const budget = parallelism === 0 ? stale.length : Math.max(0, parallelism - inflight);
  for (const { slot, task } of stale.slice(0, budget)) {
    if (cfg.Order !== 'start-first') retire(task, ctx);
    createIn(slot, ctx, holdsFor(slot, ctx));
  }
  // Nothing in the store changes when a delay ends: ask to be woken.
  if (budget < stale.length && delayedUntil !== undefined) ctx.plan.wakeAt(delayedUntil);
}

/** Tallies slot outcomes for rollStaleSlots. */
export class RollTally {
  inflight = 0;
  delayedUntil: number | undefined;
  readonly stale: { slot: Slot; task: Task }[] = [];

  add(slot: Slot, out: SlotOutcome): void {
    if (out.inflight) this.inflight++;
    if (out.until !== undefined && (this.delayedUntil === undefined || out.until < this.delayedUntil)) this.delayedUntil = out.until;
    if (out.stale) this.stale.push({ slot, task: out.stale });
  }

  roll(ctx: SlotContext): void {
    rollStaleSlots(this.stale, this.inflight, ctx, this.delayedUntil);
  }
}

/**
 * Deletes the slot's oldest retired tasks beyond the retention limit,
 * counting this plan's changes; the runs MaxAttempts still counts stay.
 */
export function trimSlot(slot: Slot, limit: number, ctx: SlotContext): void {
  deleteExcess(slot, Math.max(limit, historyNeeded(ctx.svc.Spec.TaskTemplate.RestartPolicy)), ctx);
}

/** A slot that no longer exists (scaled away, node gone): its retired tasks go now. */
export function forgetSlot(slot: Slot, ctx: SlotContext): void {
  for (const t of slot.history) if (isLive(t) || endedWhileWanted(t)) retire(t, ctx);
  deleteExcess(slot, 0, ctx);
}

function deleteExcess(slot: Slot, keep: number, ctx: SlotContext): void {
  const after: Task[] = [];
  for (const t of slot.history) {
    const cur = ctx.plan.current(t);
    if (isAbandoned(cur)) ctx.plan.delete(t);
    else after.push(cur);
  }
  after.push(...slot.created);
  for (const t of excessHistory(after, keep)) ctx.plan.delete(t);
}
