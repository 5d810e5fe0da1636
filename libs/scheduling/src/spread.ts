import { MinHeap } from './min-heap';

/**
 * swarmkit's placement-preference tree: nodes grouped by the value of the
 * first `spread=` descriptor, each group by the next, nodes at the leaves.
 * A task goes down the branch holding the fewest of the service's tasks, so
 * tasks spread evenly over label values before they spread over nodes.
 * Without preferences the tree is one leaf: a heap of nodes.
 */
export type SpreadTree<N> = SpreadLeaf<N> | SpreadBranch<N>;

interface Common {
  value: string;
  /** Tasks of the service in this subtree. */
  count: number;
}
interface SpreadLeaf<N> extends Common {
  kind: 'leaf';
  nodes: MinHeap<N>;
}
interface SpreadBranch<N> extends Common {
  kind: 'branch';
  children: MinHeap<SpreadTree<N>>;
}

export interface SpreadOptions<N> {
  /** Descriptors like `node.labels.zone`, outermost first. */
  descriptors: readonly string[];
  /** A node's value for a descriptor; nodes without one form a group of their own (''), as in swarmkit. */
  valueOf(node: N, descriptor: string): string;
  /** The order of nodes within a leaf (best first). */
  nodeLess(a: N, b: N): boolean;
  /** Tasks of the service already on the node. */
  countOn(node: N): number;
}

function branchLess<N>(a: SpreadTree<N>, b: SpreadTree<N>): boolean {
  return a.count !== b.count ? a.count < b.count : a.value < b.value;
}

export function buildSpreadTree<N>(nodes: readonly N[], opts: SpreadOptions<N>, depth = 0, value = ''): SpreadTree<N> {
  if (depth >= opts.descriptors.length) {
    const heap = new MinHeap<N>(opts.nodeLess);
    let count = 0;
    for (const n of nodes) {
      heap.push(n);
      count += opts.countOn(n);
    }
    return { kind: 'leaf', value, count, nodes: heap };
  }
  const groups = new Map<string, N[]>();
  for (const n of nodes) {
    const v = opts.valueOf(n, opts.descriptors[depth]);
    const g = groups.get(v);
    if (g) g.push(n);
    else groups.set(v, [n]);
  }
  const children = new MinHeap<SpreadTree<N>>(branchLess);
  let count = 0;
  for (const [v, g] of groups) {
    const child = buildSpreadTree(g, opts, depth + 1, v);
    count += child.count;
    children.push(child);
  }
  return { kind: 'branch', value, count, children };
}

/**
 * Picks a node for one task: the emptiest branch at each level, then the
 * best node in that leaf that `accept` agrees to. `accept` must record the
 * placement (it changes the node's order) before returning true. Nodes and
 * branches that refuse are dropped: what placing tasks uses up does not come
 * back within one pass.
 */
export function takeNode<N>(tree: SpreadTree<N>, accept: (n: N) => boolean): N | undefined {
  if (tree.kind === 'leaf') {
    for (let n = tree.nodes.pop(); n !== undefined; n = tree.nodes.pop()) {
      if (!accept(n)) continue;
      tree.nodes.push(n);
      tree.count++;
      return n;
    }
    return undefined;
  }
  for (let c = tree.children.pop(); c !== undefined; c = tree.children.pop()) {
    const n = takeNode(c, accept);
    if (n === undefined) continue;
    tree.children.push(c);
    tree.count++;
    return n;
  }
  return undefined;
}
