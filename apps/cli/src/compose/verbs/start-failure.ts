import type { Convergence } from '../task-view';
import { ParallelLines } from './parallel-lines';
import { logLine } from './verb-format';

export type StartFailure = NonNullable<Convergence['failure']>;

/** 1.29's reason for a container that failed: the engine's words, after what it could not do (create, start). */
export function failureReason(f: StartFailure): string {
  if (f.step === 'starting') return `Cannot start service ${f.service}: ${f.err}`;
  if (f.step === 'creating') return `Cannot create container for service ${f.service}: ${f.err}`;
  return f.err;
}

/** The line 1.29 logs (as a warning) before that reason when the engine could not bind a published port. */
export function hostInUseLine(f: StartFailure, ansi: boolean): string {
  return f.step === 'starting' && f.err.includes('driver failed programming external connectivity') ? logLine('warning', 'Host is already in use by another container', ansi) : '';
}

/** The container's `ERROR: for NAME  REASON` block that 1.29's parallel writer prints after its lines. */
export function containerErrorBlock(name: string, f: StartFailure): string {
  return `\nERROR: for ${name}  ${failureReason(f)}\n`;
}

/**
 * 1.29's lines for a container `scale` created that failed to start: the others it created that run
 * `done`, the failed one's `error`, then its error block.
 */
export function scaleFailure(creating: readonly { name: string; slot: number }[], running: ReadonlySet<number>, f: StartFailure, ansi: boolean): string {
  const w = new ParallelLines(ansi);
  w.add('Creating', creating.map((c) => c.name));
  return failureLines(w, 'Creating', creating, running, f, ansi);
}

/**
 * A block of progress lines ending in a failure, as 1.29's parallel writer ends it: the containers that run
 * `done`, the failed one (found by slot) `error` after the port line, then its error block. Nothing of the
 * failed one when it is not among the lines.
 */
export function failureLines(
  w: ParallelLines,
  verb: string,
  lines: readonly { name: string; slot: number }[],
  running: ReadonlySet<number | undefined>,
  f: StartFailure,
  ansi: boolean,
): string {
  const failed = lines.find((c) => c.slot === f.slot);
  const done = lines.filter((c) => c !== failed && running.has(c.slot)).map((c) => w.status(verb, c.name, 'done')).join('');
  if (!failed) return done;
  return done + w.note(hostInUseLine(f, ansi)) + w.status(verb, failed.name, 'error') + containerErrorBlock(failed.name, f);
}
