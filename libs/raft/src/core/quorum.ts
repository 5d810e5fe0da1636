import type { NodeId } from './types';

/** Majority size of a voter set (the empty set needs nobody, as in etcd). */
export function quorum(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** The largest index a majority of voters has: the commit candidate (Figure 2, leader rule 4). */
export function committedIndex(voters: Iterable<NodeId>, matchOf: (id: NodeId) => number): number {
  const xs: number[] = [];
  for (const v of voters) xs.push(matchOf(v));
  if (xs.length === 0) return Number.MAX_SAFE_INTEGER;
  xs.sort((a, b) => b - a);
  return xs[quorum(xs.length) - 1];
}

export type VoteResult = 'won' | 'lost' | 'pending';

export function voteResult(voters: Iterable<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  let n = 0;
  let yes = 0;
  let no = 0;
  for (const v of voters) {
    n++;
    const g = votes.get(v);
    if (g === true) yes++;
    else if (g === false) no++;
  }
  const q = quorum(n);
  if (yes >= q) return 'won';
  if (no > n - q) return 'lost';
  return 'pending';
}
