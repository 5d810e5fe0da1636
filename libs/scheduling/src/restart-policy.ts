import { isTerminal, type RestartPolicy, type Task } from '@flotilla/contracts';
import { deepEqual } from './spec-equal';
import { timestampMs } from './task-order';

/** Docker's defaults: restart on any exit, 5 s apart, no limit. */
export const DEFAULT_RESTART_DELAY_NS = 5e9;

export type RestartDecision = { kind: 'now' } | { kind: 'at'; at: number } | { kind: 'never' };

export interface RestartContext {
  now: number;
  /** Skip the delay: the task did not fail, its node went away (down, drained, orphaned). */
  immediate: boolean;
}

/**
 * Whether, and when, the slot whose newest task `last` ended gets a new one
 * (swarmkit's restart supervisor, `shouldRestart` + `DelayStart`, recomputed
 * from the slot's history instead of kept in memory). `history` is every task
 * of the slot, `last` included.
 */
export function restartDecision(last: Task, history: readonly Task[], ctx: RestartContext): RestartDecision {
  const rp: RestartPolicy = last.Spec.RestartPolicy ?? {};
  const cond = rp.Condition ?? 'any';
  if (cond === 'none') return { kind: 'never' };
  if (cond === 'on-failure' && exitedCleanly(last)) return { kind: 'never' };
  if (rp.MaxAttempts && attemptsUsed(last, history, rp) > rp.MaxAttempts) return { kind: 'never' };
  if (ctx.immediate) return { kind: 'now' };
  const due = timestampMs(last) + (rp.Delay ?? DEFAULT_RESTART_DELAY_NS) / 1e6;
  return ctx.now >= due ? { kind: 'now' } : { kind: 'at', at: due };
}

/** `complete` is Docker's "exited 0"; a stopped container reporting 0 counts too. */
function exitedCleanly(t: Task): boolean {
  return t.Status.State === 'complete' || t.Status.ContainerStatus?.ExitCode === 0;
}

/**
 * Runs of this spec that ended within the window before `last` ended
 * (`last` included): N ended runs mean N-1 restarts so far. A new spec starts
 * the count again, as swarmkit resets its history on a spec version change.
 */
function attemptsUsed(last: Task, history: readonly Task[], rp: RestartPolicy): number {
  const end = timestampMs(last);
  const from = rp.Window ? end - rp.Window / 1e6 : -Infinity;
  let n = 0;
  for (const t of history) {
    if (!isTerminal(t.Status.State) || t.Status.State === 'remove') continue;
    const at = timestampMs(t);
    if (at < from || at > end) continue;
    if (t === last || deepEqual(t.Spec, last.Spec)) n++;
  }
  return n;
}

/** How many ended runs the policy may still need to see: history keeps at least these. */
export function historyNeeded(rp: RestartPolicy | undefined): number {
  return rp?.MaxAttempts ? rp.MaxAttempts + 1 : 0;
}
