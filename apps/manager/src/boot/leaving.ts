import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leaveNode } from '../../../worker/src/leave/leave-node';

/**
 * `POST /swarm/leave?force=true` answers, then the process stops and its node
 * leaves (tasks, networks, state) once nothing runs that could recreate them.
 * A marker in the data dir carries the decision across the stop, and across a
 * crash in between: the next boot finishes leaving before anything starts.
 */
const MARKER = 'leaving';

export function markLeaving(dataDir: string): void {
  writeFileSync(join(dataDir, MARKER), '');
}

/** Leaves if asked to; true when it did. */
export async function finishLeaving(dataDir: string, dockerHost: string | undefined): Promise<boolean> {
  if (!existsSync(join(dataDir, MARKER))) return false;
  await leaveNode(dataDir, dockerHost);
  return true;
}
