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

/** A task is up to date when it runs the service's current template. */
export function sameSpec(t: Task, s: Service): boolean {
  return deepEqual(t.Spec, s.Spec.TaskTemplate);
}
