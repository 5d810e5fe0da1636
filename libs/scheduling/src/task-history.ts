import type { Task } from '@flotilla/contracts';
import { isRetired } from './task-order';

/**
 * Which tasks of one slot (or one node of a global service) to delete so that
 * at most `limit` remain, counting the plan's own changes: `after` is the
 * slot as it will be once the plan applies (updates applied, creates added),
 * oldest first. Only retired tasks go (finished and no longer wanted), oldest
 * first, like swarmkit's task reaper with TaskHistoryRetentionLimit.
 */
export function excessHistory(after: readonly Task[], limit: number): Task[] {
  let excess = after.length - Math.max(0, limit);
  const out: Task[] = [];
  for (const t of after) {
    if (excess <= 0) break;
    if (!isRetired(t)) continue;
    out.push(t);
    excess--;
  }
  return out;
}
