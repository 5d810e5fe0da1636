import type { AssignmentSet } from '@flotilla/contracts';

/**
 * Whether a fetched delta can leave the engine unlooked: every task it touches (changed, removed, status
 * patched) has an action in flight, whose end asks for a look anyway, and nothing else in the set moved.
 * A stop or start round's reports each ring the doorbell back: without this, every ring listed the engine's
 * containers while the engine was busy stopping or starting them, and the look found nothing to do.
 */
export function quietDelta(held: AssignmentSet | undefined, got: AssignmentSet, inflight: ReadonlySet<string>): boolean {
  if (got.since === undefined || !held) return false;
  const touched = [...got.tasks.map((t) => t.ID), ...(got.removed ?? []), ...(got.statuses ?? []).map((p) => p.ID)];
  if (touched.length === 0 || !touched.every((id) => inflight.has(id))) return false;
  return JSON.stringify(rest(held)) === JSON.stringify(rest(got));
}

/** What a delta sends whole: everything but its tasks and its place in the sequence. */
function rest(set: AssignmentSet): Record<string, unknown> {
  const { tasks: _t, index: _i, since: _s, removed: _r, statuses: _p, ...others } = set;
  return Object.fromEntries(Object.entries(others).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
