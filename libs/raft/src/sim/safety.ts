import type { Entry, NodeId } from '../core/types';
import type { SimNode } from './sim-node';

/**
 * Raft's safety properties (Figure 3), checked while the simulation runs:
 * election safety, log matching, leader completeness and state-machine
 * safety. The first violation is kept; the run stops there.
 */
export class SafetyChecker {
  violation: string | null = null;
  private readonly leaders = new Map<number, NodeId>();
  /** Every entry any member applied: what was committed, by index. */
  private readonly committed = new Map<number, { term: number; data: string }>();
  private maxCommitted = 0;
  private readonly leaderChecked = new Set<string>();

  ok(): boolean {
    return this.violation === null;
  }

  fail(msg: string): void {
    if (this.violation === null) this.violation = msg;
  }

  restarted(_id: NodeId): void {
    /* a restarted member is checked afresh by observe() */
  }

  applied(id: NodeId, e: Entry): void {
    const data = typeof e.data === 'string' ? e.data : Buffer.from(e.data).toString('base64');
    const prev = this.committed.get(e.index);
    if (!prev) {
      this.committed.set(e.index, { term: e.term, data });
      if (e.index > this.maxCommitted) this.maxCommitted = e.index;
    } else if (prev.term !== e.term || prev.data !== data) {
      this.fail(`state machine safety: ${id} applied ${e.index}@${e.term} but ${e.index}@${prev.term} was applied elsewhere`);
    }
  }

  observe(n: SimNode): void {
    if (!n.up || n.raft.role !== 'leader') return;
    const term = n.raft.term;
    const who = this.leaders.get(term);
    if (who === undefined) this.leaders.set(term, n.id);
    else if (who !== n.id) this.fail(`election safety: ${who} and ${n.id} both lead term ${term}`);
    const key = `${n.id}@${term}`;
    if (this.leaderChecked.has(key)) return;
    this.leaderChecked.add(key);
    // Leader completeness: a new leader holds every entry committed before it.
    const log = n.raft.log;
    for (let i = log.firstIndex(); i <= this.maxCommitted; i++) {
      const c = this.committed.get(i);
      if (!c) continue;
      const t = log.term(i);
      if (t !== c.term) {
        this.fail(`leader completeness: ${n.id} leads term ${term} with ${i}@${t ?? 'missing'}, committed ${i}@${c.term}`);
        return;
      }
    }
  }

  logMatching(a: SimNode, b: SimNode): void {
    const la = a.raft.log;
    const lb = b.raft.log;
    const lo = Math.max(la.firstIndex(), lb.firstIndex());
    let hi = Math.min(la.lastIndex(), lb.lastIndex());
    while (hi >= lo && la.term(hi) !== lb.term(hi)) hi--;
    for (let i = hi; i >= lo; i--) {
      const ea = la.entry(i);
      const eb = lb.entry(i);
      if (!ea || !eb) break;
      if (ea.term !== eb.term || ea.data !== eb.data) {
        this.fail(`log matching: ${a.id} and ${b.id} agree at ${hi} but differ at ${i}`);
        return;
      }
    }
  }
}
