import type { Service, Task } from '@flotilla/contracts';

/**
 * Structural equality for JSON-shaped specs. Key order and `undefined`-valued
 * keys are ignored, because a spec that went through the API or the store may
 * come back with its keys reordered: that must not roll every task.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let na = 0;
  for (const k in ao) {
    if (ao[k] === undefined) continue;
    na++;
    if (!deepEqual(ao[k], bo[k])) return false;
  }
  let nb = 0;
  for (const k in bo) if (bo[k] !== undefined) nb++;
  return na === nb;
}

/** Spec object -> template object -> equal: both are immutable in the store, so the answer is too. */
const memo = new WeakMap<object, WeakMap<object, boolean>>();

/**
 * A task is up to date when it runs the service's current template. Taken
 * from this very version of the service, it does; otherwise the comparison is
 * remembered per pair of objects, since the control loop asks it of every
 * task on every pass (100k tasks, several passes a second).
 */
export function sameSpec(t: Task, s: Service): boolean {
  if (t.SpecVersion !== undefined && t.SpecVersion.Index === s.Version.Index) return true;
  const a = t.Spec as object;
  const b = s.Spec.TaskTemplate as object;
  let inner = memo.get(a);
  const known = inner?.get(b);
  if (known !== undefined) return known;
  const eq = deepEqual(a, b);
  if (!inner) memo.set(a, (inner = new WeakMap()));
  inner.set(b, eq);
  return eq;
}
