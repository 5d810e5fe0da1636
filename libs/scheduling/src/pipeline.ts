import { DEFAULT_FILTERS, type Filter, type FilterJob } from './filters';
import type { NodeInfo } from './node-load';

/**
 * Runs the enabled filters over nodes and remembers, per filter, how many
 * nodes it refused (swarmkit's Pipeline), so a task that fits nowhere can
 * say why, the way `docker service ps` shows it.
 */
export class Pipeline {
  private readonly checklist: Filter[];
  private readonly dynamic: number[];
  private readonly failures: number[];

  constructor(
    readonly job: FilterJob,
    filters: readonly Filter[] = DEFAULT_FILTERS,
  ) {
    this.checklist = filters.filter((f) => f.enabled(job));
    this.dynamic = this.checklist.flatMap((f, i) => (f.dynamic ? [i] : []));
    this.failures = this.checklist.map(() => 0);
  }

  /** Every filter, in order; a refusal is charged to the first one that fails. */
  process(node: NodeInfo): boolean {
    for (let i = 0; i < this.checklist.length; i++) {
      if (!this.checklist[i].check(node, this.job)) {
        this.failures[i]++;
        return false;
      }
    }
    return true;
  }

  /** Only the filters whose answer placing tasks can change, for a node that passed them all before. */
  recheck(node: NodeInfo): boolean {
    for (const i of this.dynamic) {
      if (!this.checklist[i].check(node, this.job)) {
        this.failures[i]++;
        return false;
      }
    }
    return true;
  }

  /** "insufficient resources on 2 nodes; 1 node not available for new tasks": most refusals first. */
  explain(): string {
    // Filters that say the same thing (ready, availability) are one reason.
    const byText = new Map<string, { f: Filter; n: number; order: number }>();
    this.checklist.forEach((f, order) => {
      if (this.failures[order] === 0) return;
      const key = f.explain(1);
      const e = byText.get(key);
      if (e) e.n += this.failures[order];
      else byText.set(key, { f, n: this.failures[order], order });
    });
    return [...byText.values()]
      .sort((a, b) => b.n - a.n || a.order - b.order)
      .map((e) => e.f.explain(e.n))
      .join('; ');
  }
}

/** swarmkit's Status.Err for a task that fits nowhere. */
export function noSuitableNode(explanation: string): string {
  return explanation ? `no suitable node (${explanation})` : 'no suitable node';
}
