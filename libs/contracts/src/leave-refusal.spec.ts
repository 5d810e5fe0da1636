import { describe, expect, it } from 'vitest';
import { countManagers, leaveRefusal } from './leave-refusal';
import type { SwarmNode } from './swarm-types';

const HEAD = 'You are attempting to leave the swarm on a node that is participating as a manager. ';
const TAIL = 'The only way to restore a swarm that has lost consensus is to reinitialize it with `--force-new-cluster`. Use `--force` to suppress this message.';

describe('leaveRefusal (dockerd 20.10 text)', () => {
  it.each([
    // Recorded on a real swarm (test/cluster/leave.docker.json): the last manager (dockerd sends a trailing space, its CLI prints none).
    [{ reachable: 1, unreachable: 0 }, `${HEAD}Removing the last manager erases all current state of the swarm. Use \`--force\` to ignore this message.`],
    [{ reachable: 2, unreachable: 0 }, `${HEAD}Removing this node leaves 1 managers out of 2. Without a Raft quorum your swarm will be inaccessible. ${TAIL}`],
    [{ reachable: 2, unreachable: 1 }, `${HEAD}Removing this node leaves 1 managers out of 3. Without a Raft quorum your swarm will be inaccessible. ${TAIL}`],
    [{ reachable: 3, unreachable: 0 }, `${HEAD}${TAIL}`],
    [{ reachable: 5, unreachable: 0 }, `${HEAD}${TAIL}`],
    [undefined, `${HEAD}Doing so may lose the consensus of your cluster. ${TAIL}`],
  ])('%j', (counts, text) => {
    expect(leaveRefusal(counts)).toBe(text);
  });
});

describe('countManagers', () => {
  const node = (reach?: 'reachable' | 'unreachable' | 'unknown') => ({ ManagerStatus: reach ? { Reachability: reach, Addr: 'x' } : undefined }) as unknown as SwarmNode;
  it('counts managers only; an unknown one as unreachable', () => {
    expect(countManagers([node('reachable'), node(), node('unknown'), node('unreachable'), node('reachable')])).toEqual({ reachable: 2, unreachable: 2 });
  });
});
