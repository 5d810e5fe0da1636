import { describe, expect, it } from 'vitest';
import type { NodeId } from '../core/types';
import { SimCluster } from './cluster';
import type { FaultConfig } from './cluster';
import { encodeKv } from './kv';
import { checkLinearizable, kvModel } from './linearizability';
import { Workload } from './workload';

/**
 * The classic scenario suite (names after MIT 6.824 lab 2's tests), run on
 * the deterministic simulator with its safety checker watching every step.
 */
const RELIABLE: FaultConfig = { dropRate: 0, dupRate: 0, minDelay: 1, maxDelay: 3, diskDelay: 1, tornWrites: true };
const UNRELIABLE: FaultConfig = { dropRate: 0.1, dupRate: 0.05, minDelay: 1, maxDelay: 27, diskDelay: 2, tornWrites: true };

function cluster(n: number, faults = RELIABLE, seed = 1, snapshotEvery = 0): SimCluster {
  const ids = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  return new SimCluster(ids, faults, seed, {}, snapshotEvery);
}

function leaderOf(c: SimCluster): NodeId {
  expect(c.runUntil(() => c.leader() !== null, 3000)).toBe(true);
  return (c.leader() as { id: NodeId }).id;
}

let seqs = 0;
/** 6.824's cfg.one(): propose on the leader until `expected` members applied it. */
function one(c: SimCluster, value: string, expected: number): boolean {
  const seq = ++seqs;
  const appliedOn = new Set<NodeId>();
  const prev = c.onApply;
  c.onApply = (n, cmd) => {
    if (cmd.client === 't' && cmd.seq === seq) appliedOn.add(n.id);
    prev?.(n, cmd, 0);
  };
  const deadline = c.q.now + 10_000;
  while (c.q.now < deadline) {
    const l = c.leader();
    if (l) {
      try {
        l.raft.propose(encodeKv({ client: 't', seq, op: 'append', key: 'k', value }));
        c.afterInput(l);
      } catch {
        /* retry */
      }
    }
    if (c.runUntil(() => appliedOn.size >= expected, 1000)) {
      c.onApply = prev;
      return true;
    }
  }
  c.onApply = prev;
  return false;
}

function workloadOk(c: SimCluster, w: Workload, ms: number): void {
  c.heal();
  for (const id of c.ids) c.restart(id);
  expect(c.runUntil(() => w.done(), ms)).toBe(true);
  c.checkLogMatching();
  expect(c.safety.violation).toBeNull();
  expect(checkLinearizable(kvModel, w.finalHistory()).ok).toBe(true);
}

describe('2A: leader election', () => {
  it('initial election: one leader, and the term is stable without failures', () => {
    const c = cluster(3);
    leaderOf(c);
    const term = (c.leader() as { raft: { term: number } }).raft.term;
    c.runFor(2000);
    expect(c.leader()?.raft.term).toBe(term);
    expect(c.safety.violation).toBeNull();
  });

  it('re-election after leader loss, none without a majority', () => {
    const c = cluster(3);
    const l1 = leaderOf(c);
    c.crash(l1);
    const l2 = leaderOf(c);
    expect(l2).not.toBe(l1);
    c.restart(l1);
    c.runFor(500);
    expect(leaderOf(c)).toBeDefined();
    const l3 = leaderOf(c);
    c.crash(l3);
    c.crash(c.ids.find((x) => x !== l3 && c.node(x).up) as NodeId);
    c.runFor(2000);
    expect(c.leader()).toBeNull();
    c.restart(l3);
    leaderOf(c);
    expect(c.safety.violation).toBeNull();
  });

  it('many elections: random crashes of up to two of five', () => {
    const c = cluster(5, RELIABLE, 7);
    for (let i = 0; i < 10; i++) {
      const a = c.rnd.pick(c.ids);
      const b = c.rnd.pick(c.ids);
      c.crash(a);
      c.crash(b);
      c.runFor(1000);
      leaderOf(c);
      c.restart(a);
      c.restart(b);
    }
    expect(c.safety.violation).toBeNull();
  });
});

describe('2B: agreement', () => {
  it('basic agreement', () => {
    const c = cluster(3);
    for (let i = 0; i < 3; i++) expect(one(c, `v${i}`, 3)).toBe(true);
  });

  it('agreement despite a follower failure, and catch-up after it returns', () => {
    const c = cluster(3);
    const l = leaderOf(c);
    const f = c.ids.find((x) => x !== l) as NodeId;
    c.crash(f);
    expect(one(c, 'a', 2)).toBe(true);
    c.restart(f);
    expect(one(c, 'b', 3)).toBe(true);
    expect(c.node(f).kv.get('k')).toBe('ab');
  });

  it('no agreement without a majority', () => {
    const c = cluster(5);
    const l = leaderOf(c);
    const others = c.ids.filter((x) => x !== l);
    for (const f of others.slice(0, 3)) c.crash(f);
    const node = c.node(l);
    node.raft.propose(encodeKv({ client: 'x', seq: 1, op: 'append', key: 'k', value: 'lost?' }));
    c.afterInput(node);
    c.runFor(1000);
    expect(node.kv.get('k')).toBe('');
    for (const f of others.slice(0, 3)) c.restart(f);
    expect(one(c, 'after', 5)).toBe(true);
  });

  it('concurrent proposals all commit', () => {
    const c = cluster(3);
    leaderOf(c);
    const w = new Workload(c, 8, 10, ['k']);
    w.start();
    workloadOk(c, w, 20_000);
  });

  it('rejoin of a partitioned leader', () => {
    const c = cluster(3);
    expect(one(c, 'a', 3)).toBe(true);
    const l1 = leaderOf(c);
    c.partition([[l1], c.ids.filter((x) => x !== l1)]);
    const n1 = c.node(l1);
    for (const v of ['x', 'y', 'z']) n1.raft.propose(encodeKv({ client: 'old', seq: ++seqs, op: 'append', key: 'k', value: v }));
    c.afterInput(n1);
    expect(one(c, 'b', 2)).toBe(true);
    c.heal();
    expect(one(c, 'c', 3)).toBe(true);
    for (const id of c.ids) expect(c.node(id).kv.get('k')).toBe('abc');
  });

  it('backup: a leader brings followers with long divergent logs up to date quickly', () => {
    const c = cluster(5, RELIABLE, 3);
    expect(one(c, 'a', 5)).toBe(true);
    const l1 = leaderOf(c);
    const [f1, f2, f3, f4] = c.ids.filter((x) => x !== l1);
    c.partition([[l1, f1], [f2, f3, f4]]);
    const n1 = c.node(l1);
    for (let i = 0; i < 50; i++) n1.raft.propose(encodeKv({ client: 'lost', seq: ++seqs, op: 'append', key: 'k', value: '!' }));
    c.afterInput(n1);
    c.runFor(500);
    for (let i = 0; i < 50; i++) expect(one(c, 'b', 3)).toBe(true);
    c.heal();
    const before = c.messagesSent;
    expect(one(c, 'c', 5)).toBe(true);
    expect(c.messagesSent - before).toBeLessThan(400);
    c.checkLogMatching();
    expect(c.safety.violation).toBeNull();
  });

  it('RPC counts stay bounded: one batch per follower, few messages when idle', () => {
    const c = cluster(3);
    leaderOf(c);
    c.runFor(200);
    const idle0 = c.messagesSent;
    c.runFor(1000);
    // Heartbeats every tick (10 ms) to 2 followers plus answers.
    expect(c.messagesSent - idle0).toBeLessThanOrEqual(2 * 2 * 110);
    const before = c.messagesSent;
    expect(one(c, 'x', 3)).toBe(true);
    expect(c.messagesSent - before).toBeLessThan(40);
  });
});

describe('2C: persistence', () => {
  it('persist 1: a whole cluster restarts with its committed data', () => {
    const c = cluster(3);
    expect(one(c, 'a', 3)).toBe(true);
    for (const id of c.ids) c.crash(id);
    for (const id of c.ids) c.restart(id);
    expect(one(c, 'b', 3)).toBe(true);
    for (const id of c.ids) expect(c.node(id).kv.get('k')).toBe('ab');
  });

  it('persist 2: leaders and followers crash repeatedly', () => {
    const c = cluster(5, RELIABLE, 11);
    let want = '';
    for (let i = 0; i < 8; i++) {
      expect(one(c, String(i), 3)).toBe(true);
      want += String(i);
      const l = leaderOf(c);
      c.crash(l);
      c.crash(c.rnd.pick(c.ids.filter((x) => x !== l)));
      c.runFor(300);
      for (const id of c.ids) c.restart(id);
    }
    expect(one(c, 'end', 5)).toBe(true);
    for (const id of c.ids) expect(c.node(id).kv.get('k')).toBe(`${want}end`);
  });

  it('persist 3: a partitioned leader crashing and returning loses nothing committed', () => {
    const c = cluster(3);
    expect(one(c, 'a', 3)).toBe(true);
    const l = leaderOf(c);
    c.partition([[l], c.ids.filter((x) => x !== l)]);
    expect(one(c, 'b', 2)).toBe(true);
    c.crash(l);
    c.heal();
    c.restart(l);
    expect(one(c, 'c', 3)).toBe(true);
    expect(c.node(l).kv.get('k')).toBe('abc');
  });

  it.each([
    ['reliable', RELIABLE],
    ['unreliable', UNRELIABLE],
  ] as const)('Figure 8 (%s): leaders crash right after proposing, safety holds', (_n, faults) => {
    for (let seed = 1; seed <= 5; seed++) {
      const c = cluster(5, faults, seed);
      const w = new Workload(c, 3, 30, ['k']);
      w.start();
      for (let i = 0; i < 40; i++) {
        c.runFor(c.rnd.chance(0.5) ? c.rnd.int(13) : c.rnd.int(500));
        const l = c.leader();
        if (l) c.crash(l.id);
        const up = c.ids.filter((x) => c.node(x).up).length;
        if (up < 3) c.restart(c.rnd.pick(c.ids.filter((x) => !c.node(x).up)));
      }
      workloadOk(c, w, 30_000);
    }
  });

  it('unreliable agreement', () => {
    const c = cluster(5, UNRELIABLE, 5);
    const w = new Workload(c, 5, 20, ['a', 'b']);
    w.start();
    c.runFor(5000);
    workloadOk(c, w, 30_000);
  });

  it.each([
    ['reliable', RELIABLE],
    ['unreliable', UNRELIABLE],
  ] as const)('churn (%s): random crashes, restarts and partitions under load', (_n, faults) => {
    const c = cluster(5, faults, 9, 20);
    const w = new Workload(c, 4, 40, ['a', 'b', 'c']);
    w.start();
    for (let i = 0; i < 30; i++) {
      c.runFor(50 + c.rnd.int(200));
      const id = c.rnd.pick(c.ids);
      if (c.node(id).up) c.crash(id);
      else c.restart(id);
      if (c.rnd.chance(0.2)) c.partition([c.ids.slice(0, 2), c.ids.slice(2)]);
      if (c.rnd.chance(0.3)) c.heal();
    }
    workloadOk(c, w, 30_000);
  });
});

describe('2D: snapshots and membership', () => {
  it('snapshot install: a member far behind the compaction point catches up by InstallSnapshot', () => {
    const c = new SimCluster(['n1', 'n2', 'n3'], RELIABLE, 2, { snapshotChunkBytes: 64 }, 10);
    const l = leaderOf(c);
    const f = c.ids.find((x) => x !== l) as NodeId;
    c.crash(f);
    for (let i = 0; i < 60; i++) expect(one(c, 'v', 2)).toBe(true);
    expect(c.node(l).raft.log.firstIndex()).toBeGreaterThan(10);
    c.restart(f);
    expect(one(c, 'w', 3)).toBe(true);
    expect(c.node(f).kv.get('k')).toBe(`${'v'.repeat(60)}w`);
    expect(c.node(f).disk.snapshot).not.toBeNull();
  });

  it('membership change under load: add a learner, promote it, remove an old voter', () => {
    const c = cluster(3, RELIABLE, 4, 25);
    const w = new Workload(c, 3, 40, ['a', 'b']);
    w.start();
    c.runFor(300);
    c.addNode('n4');
    const change = (cc: Parameters<SimCluster['leader']> extends [] ? { type: 'addVoter' | 'addLearner' | 'remove'; node: NodeId } : never): void => {
      const ok = c.runUntil(() => {
        const l = c.leader();
        if (!l) return false;
        try {
          l.raft.proposeConfChange(cc);
          c.afterInput(l);
          return true;
        } catch {
          return false;
        }
      }, 5000);
      expect(ok).toBe(true);
      c.runUntil(() => c.leader()?.raft.status().conf.voters.length !== undefined, 100);
    };
    change({ type: 'addLearner', node: 'n4' });
    expect(c.runUntil(() => c.node('n4').raft.status().conf.learners.includes('n4'), 5000)).toBe(true);
    change({ type: 'addVoter', node: 'n4' });
    expect(c.runUntil(() => c.node('n4').raft.isPromotable(), 5000)).toBe(true);
    const victim = c.ids.find((x) => x !== 'n4' && c.leader()?.id !== x) as NodeId;
    change({ type: 'remove', node: victim });
    expect(c.runUntil(() => !(c.leader()?.raft.status().conf.voters ?? [victim]).includes(victim), 5000)).toBe(true);
    // The removed member is cut off from the cluster's view; it must not disrupt it.
    const term = c.leader()?.raft.term;
    c.runFor(2000);
    expect(c.leader()?.raft.term).toBe(term);
    expect(c.runUntil(() => w.done(), 20_000)).toBe(true);
    expect(c.safety.violation).toBeNull();
    expect(checkLinearizable(kvModel, w.finalHistory()).ok).toBe(true);
  });
});
