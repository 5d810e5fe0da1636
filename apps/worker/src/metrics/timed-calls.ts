/** How a timed call ended. */
export type CallOutcome = 'ok' | 'error';

/**
 * The same object, with the named async methods timed: `observe(call, outcome,
 * seconds)` once each settles. Lets the worker time its Docker engine calls
 * without the adapter knowing about metrics.
 */
export function timedCalls<T extends object>(target: T, calls: readonly (keyof T & string)[], observe: (call: string, outcome: CallOutcome, seconds: number) => void): T {
  const timed = new Set<string>(calls);
  return new Proxy(target, {
    get(t, prop) {
      const v: unknown = Reflect.get(t, prop, t);
      if (typeof prop !== 'string' || !timed.has(prop) || typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        const done = (outcome: CallOutcome) => observe(prop, outcome, (performance.now() - t0) / 1000);
        let out: unknown;
        try {
          out = (v as (...a: unknown[]) => unknown).apply(t, args);
        } catch (e) {
          done('error');
          throw e;
        }
        return Promise.resolve(out).then(
          (r) => (done('ok'), r),
          (e: unknown) => {
            done('error');
            throw e;
          },
        );
      };
    },
  });
}
