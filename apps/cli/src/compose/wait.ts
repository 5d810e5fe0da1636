import type { ApiClient, StackState } from '../client/api-client';
import { CliError } from '../errors';
import { convergence } from './task-view';
import { failureReason } from './verbs/start-failure';

/** Polls the stack until `done` holds, `fail` names an error, or the deadline passes. */
export async function waitFor(
  client: ApiClient,
  project: string,
  check: (s: StackState) => { done: boolean; fail?: string },
  timeoutMs: number,
  what: string,
): Promise<StackState> {
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  for (;;) {
    const state = await client.stack(project);
    const r = check(state);
    if (r.fail) throw new CliError(r.fail);
    if (r.done) return state;
    if (Date.now() > deadline) throw new CliError(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((res) => setTimeout(res, delay));
    // A short cap: `up` returns (and the next step of a script starts) soon after the cluster converges.
    delay = Math.min(delay * 2, 100);
  }
}

export function timeoutMs(): number {
  const v = Number(process.env.FLOTILLA_WAIT_TIMEOUT ?? 300);
  return (Number.isFinite(v) && v > 0 ? v : 300) * 1000;
}

/** Waits until `services` converge (task-view's convergence); a task that cannot start fails it in 1.29's words. */
export function waitConverged(client: ApiClient, project: string, services: Set<string>, what: string): Promise<StackState> {
  return waitFor(
    client,
    project,
    (st) => {
      const c = convergence(st, services);
      return { done: c.done, fail: c.failure ? `for ${c.failure.service}  ${failureReason(c.failure)}` : undefined };
    },
    timeoutMs(),
    what,
  );
}
