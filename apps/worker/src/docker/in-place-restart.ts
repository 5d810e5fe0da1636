/**
 * A start or restart of a task's own container in place, asked through the relay (compose `restart`):
 * the engine stops and starts the same container, keeping its ID. While it does, the worker must not
 * take the stopped container for the task's end; once it runs again, a task that had ended with it
 * runs again too (libs/state's revivesInPlace).
 */
export interface InPlaceRestart {
  containerId: string;
  /** When a restart the engine never answered stops holding the task's reports back (ms). */
  deadline: number;
  /** The engine's answer: `ok` when it said 2xx (the container was started again), and when. */
  answered?: { ok: boolean; at: number };
}

/** What a restart means to the next look at its task. */
export type RestartPhase =
  /** The engine is on it: a stopped container is not the task's end. */
  | 'restarting'
  /** Started again, just now: the task runs (again) with this container while the container does. */
  | 'restarted';

/** How long after the engine's answer a look still says the task runs again (the report may race a stale one). */
export const RESTARTED_HOLD_MS = 30_000;
/** Beyond the stop timeout: the start, on a loaded engine. */
const START_MARGIN_MS = 60_000;
/** The engine's default stop timeout, and the most a deadline counts (a bigger `t` is the engine's to refuse). */
const DEFAULT_T = 10;
const MAX_T = 3600;

/** A new restart of `containerId`, asked at `now` with the request's URL (its `t`, the stop timeout in seconds). */
export function inPlaceRestart(containerId: string, url: string, now: number): InPlaceRestart {
  const t = new URLSearchParams(url.split('?', 2)[1] ?? '').get('t');
  const secs = t !== null && /^\d{1,6}$/.test(t) ? Math.min(Number(t), MAX_T) : DEFAULT_T;
  return { containerId, deadline: now + secs * 1000 + START_MARGIN_MS };
}

/** The engine answered with `status` (undefined: no answer came) at `now`. */
export function answered(r: InPlaceRestart, status: number | undefined, now: number): InPlaceRestart {
  return { ...r, answered: { ok: status !== undefined && status >= 200 && status < 300, at: now } };
}

/**
 * Where a restart stands at `now`; undefined when it no longer matters (refused or failed: what the
 * engine shows is reported as it is; past its deadline; long done): the worker forgets it then.
 */
export function restartPhase(r: InPlaceRestart, now: number): RestartPhase | undefined {
  if (!r.answered) return now < r.deadline ? 'restarting' : undefined;
  if (!r.answered.ok) return undefined;
  return now < r.answered.at + RESTARTED_HOLD_MS ? 'restarted' : undefined;
}
