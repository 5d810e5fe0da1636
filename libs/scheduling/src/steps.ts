/**
 * A planner written as steps: a generator that yields at points where it may be paused (every
 * few thousand tasks), so a caller can spread one plan over several turns of its event loop.
 * Yielding does not change what is planned: the plan is the one the plain function returns.
 */
export type Steps<T> = Generator<void, T, void>;

/** Items between two pause points of a long loop: a yield costs ~nothing at this spacing. */
export const ITEMS_PER_STEP = 1024;

/** Runs steps to the end at once: the plain function. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
