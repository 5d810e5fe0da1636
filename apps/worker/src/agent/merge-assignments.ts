import type { AssignmentSet } from '@flotilla/contracts';

/**
 * The node's full set after a delta: tasks changed since the set's index replace their old
 * versions, removed ids go, everything else comes whole with the delta. Undefined when the delta
 * does not continue from this set (the caller then fetches the full set).
 */
export function mergeAssignments(held: AssignmentSet | undefined, got: AssignmentSet): AssignmentSet | undefined {
  if (got.since === undefined) return got;
  if (!held || held.index !== got.since || held.nodeId !== got.nodeId) return undefined;
  const gone = new Set(got.removed ?? []);
  const byId = new Map(held.tasks.filter((t) => !gone.has(t.ID)).map((t) => [t.ID, t]));
  for (const t of got.tasks) byId.set(t.ID, t);
  // A status patch is for a task held whole: one not held means the sets parted (fetch in full).
  for (const p of got.statuses ?? []) {
    const t = byId.get(p.ID);
    if (!t) return undefined;
    byId.set(p.ID, { ...t, ...p });
  }
  const { since: _since, removed: _removed, statuses: _statuses, ...rest } = got;
  return { ...rest, tasks: [...byId.values()] };
}
