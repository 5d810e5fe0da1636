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
  const { since: _since, removed: _removed, ...rest } = got;
  return { ...rest, tasks: [...byId.values()] };
}
