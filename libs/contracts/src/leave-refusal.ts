import type { SwarmNode } from './swarm-types';

/** The managers as this one sees them: itself counted among the reachable. */
export interface ManagerCounts {
  reachable: number;
  unreachable: number;
}

/** Docker counts a manager whose reachability is not known as unreachable. */
export function countManagers(nodes: Iterable<SwarmNode>): ManagerCounts {
  let reachable = 0;
  let unreachable = 0;
  for (const n of nodes) {
    if (!n.ManagerStatus) continue;
    if (n.ManagerStatus.Reachability === 'reachable') reachable++;
    else unreachable++;
  }
  return { reachable, unreachable };
}

const HEAD = 'You are attempting to leave the swarm on a node that is participating as a manager. ';

/**
 * Why a manager does not leave without --force, in Docker's words: the last
 * manager erases the swarm; one whose leaving breaks the quorum says how many
 * remain; any other (or one whose cluster cannot be asked) warns about consensus.
 */
export function leaveRefusal(counts: ManagerCounts | undefined): string {
  if (!counts) {
    return `${HEAD}Doing so may lose the consensus of your cluster. The only way to restore a swarm that has lost consensus is to reinitialize it with \`--force-new-cluster\`. Use \`--force\` to suppress this message.`;
  }
  const { reachable, unreachable } = counts;
  if (reachable === 1 && unreachable === 0) {
    return `${HEAD}Removing the last manager erases all current state of the swarm. Use \`--force\` to ignore this message.`;
  }
  const quorum = reachable - 2 <= unreachable ? `Removing this node leaves ${reachable - 1} managers out of ${reachable + unreachable}. Without a Raft quorum your swarm will be inaccessible. ` : '';
  return `${HEAD}${quorum}The only way to restore a swarm that has lost consensus is to reinitialize it with \`--force-new-cluster\`. Use \`--force\` to suppress this message.`;
}
