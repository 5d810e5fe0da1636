import { CliError } from '../../errors';
import type { Strategy } from './converge';

/** `up`'s flags as commander hands them over. */
export interface UpFlags {
  detach?: boolean;
  noDeps?: boolean;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  abortOnContainerExit?: boolean;
  exitCodeFrom?: string;
  timeout?: string;
  color: boolean;
  logPrefix: boolean;
}

export interface UpPlan {
  strategy: Strategy;
  /** Seconds a container gets to stop on Ctrl+C or abort; undefined: the service's own grace period. */
  timeout?: number;
  cascade: boolean;
  exitCodeFrom?: string;
}

/**
 * Checks `up`'s flags as 1.29 does, in its order and words: `warn` hears warnings as they come (before
 * any refusal, as 1.29 logs them), a refusal is thrown.
 */
export function planUp(f: UpFlags, serviceNames: readonly string[], warn: (message: string) => void): UpPlan {
  let cascade = !!f.abortOnContainerExit;
  if (f.exitCodeFrom !== undefined) {
    if (!cascade) warn('using --exit-code-from implies --abort-on-container-exit');
    cascade = true;
    if (!serviceNames.includes(f.exitCodeFrom)) {
      throw new CliError(`No service named "${f.exitCodeFrom}" was found in your compose file.`, 2);
    }
  }
  const timeout = parseTimeout(f.timeout);
  if (f.detach && cascade) {
    throw new CliError('-d cannot be combined with --abort-on-container-exit or --attach-dependencies.', 1);
  }
  if (f.forceRecreate && f.noRecreate) throw new CliError('--force-recreate and --no-recreate cannot be combined.', 1);
  const strategy: Strategy = f.forceRecreate ? 'always' : f.noRecreate ? 'never' : 'changed';
  return { strategy, timeout, cascade, exitCodeFrom: f.exitCodeFrom };
}

/** `-t N`: whole seconds, as 1.29's int(); it prints a Python traceback for anything else, flotilla a sentence. */
export function parseTimeout(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\s*[+-]?\d+\s*$/.test(v)) throw new CliError(`invalid literal for int() with base 10: '${v}'`);
  return Math.max(0, Number(v));
}
