import { describe, expect, it } from 'vitest';
import { RaftNode, bootstrapState } from './raft-node';
import { SeededRandom } from './rand';
import { TestNetwork } from './test-network';
import type { AppMsg, Message } from './messages';
import type { Entry } from './types';

const ids3 = ['a', 'b', 'c'];
const ids5 = ['a', 'b', 'c', 'd', 'e'];

function single(id = 'a', peers = [id]): RaftNode {
  return new RaftNode({ id, random: new SeededRandom(7) }, bootstrapState(peers));
}

function drain(n: RaftNode): Message[] {
  const out: Message[] = [];
  while (n.hasReady()) {
    const rd = n.ready();
    out.push(...rd.messages);
    n.advance();
  }
  return out;
}

describe('election (Figure 2: Rules for Servers, Candidates)', () => {
  it('a lone voter elects itself and commits its no-op', () => {
    const n = single();
    n.campaign();
    drain(n);
    expect(n.role).toBe('leader');
    expect(n.term).toBe(2);
    expect(n.log.committed).toBe(n.log.lastIndex());
  });

  it('a lone voter campaigns on its first tick, however long its election timeout (swarm init, a lone restart)', () => {
    const n = new RaftNode({ id: 'a', random: new SeededRandom(7), electionTick: 100 }, bootstrapState(['a']));
    n.tick();
    drain(n);
    expect(n.role).toBe('leader');
    // One voter of three waits its timeout out, as ever.
    const m = new RaftNode({ id: 'a', random: new SeededRandom(7), electionTick: 100 }, bootstrapState(ids3));
    for (let i = 0; i < 99; i++) m.tick();
    expect(m.role).toBe('follower');
  });

  it.each([
    [ids3, 'a'],
    [ids5, 'c'],
  ])('%j: the campaigner wins and everyone follows it', (ids, who) => {
    const net = new TestNetwork(ids);
    net.elect(who);
    expect(net.node(who).role).toBe('leader');
    for (const id of ids) expect(net.node(id).lead).toBe(who);
  });

  it('a follower campaigns after its randomised election timeout, not before electionTick', () => {
    const net = new TestNetwork(ids3, { electionTick: 10 });
    net.tick('a', 9);
    net.stabilize();
    expect(net.leader()).toBeNull();
    net.tick('a', 11);
    net.stabilize();
    expect(net.node('a').role).toBe('leader');
  });

  it('randomised timeouts differ between members (seeded, deterministic)', () => {
    const first = (seed: number): string => {
      const net = new TestNetwork(ids5, {}, seed);
      for (let t = 0; t < 40; t++) {
        net.tickAll();
        net.stabilize();
        const l = net.leader();
        if (l) return l.id;
      }
      return '';
    };
    expect(first(3)).toBe(first(3));
    const leaders = new Set([1, 2, 3, 4, 5, 6, 7, 8].map(first));
    expect(leaders.size).toBeGreaterThan(1);
  });

  it('votes at most once per term (election safety)', () => {
    const n = new RaftNode({ id: 'c', random: new SeededRandom(1), preVote: false, checkQuorum: false }, bootstrapState(ids3));
    n.step({ type: 'vote', from: 'a', to: 'c', term: 5, index: 3, logTerm: 1, transfer: false });
    n.step({ type: 'vote', from: 'b', to: 'c', term: 5, index: 3, logTerm: 1, transfer: false });
    const resps = drain(n).filter((m) => m.type === 'voteResp');
    expect(resps.map((m) => [m.to, m.type === 'voteResp' && m.reject])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(n.vote).toBe('a');
  });

  it('denies a vote to a candidate whose log is less up-to-date (§5.4.1)', () => {
    const net = new TestNetwork(ids3, { preVote: false, checkQuorum: false });
    net.elect('a');
    net.node('a').propose('x');
    net.stabilize();
    const c = net.node('c');
    c.step({ type: 'vote', from: 'b', to: 'c', term: 10, index: 3, logTerm: 1, transfer: false });
    const r = drain(c).find((m) => m.type === 'voteResp');
    expect(r && r.type === 'voteResp' && r.reject).toBe(true);
  });

  it('a candidate steps down on an AppendEntries of its own term', () => {
    const net = new TestNetwork(ids3, { preVote: false });
    net.isolate('b');
    net.node('b').campaign();
    net.stabilize();
    expect(net.node('b').role).toBe('candidate');
    const b = net.node('b');
    b.step({ type: 'app', from: 'a', to: 'b', term: b.term, index: 3, logTerm: 1, entries: [], commit: 3 });
    expect(b.role).toBe('follower');
    expect(b.lead).toBe('a');
  });

  it('any RPC with a higher term converts to follower (All Servers rule 2)', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    const a = net.node('a');
    a.step({ type: 'appResp', from: 'b', to: 'a', term: a.term + 3, index: 0, reject: false, hintIndex: 0, hintTerm: 0 });
    expect(a.role).toBe('follower');
    expect(a.term).toBe(5);
  });

  it('ignores a stale-term vote request', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    const c = net.node('c');
    c.step({ type: 'vote', from: 'b', to: 'c', term: 1, index: 99, logTerm: 99, transfer: false });
    expect(drain(c).filter((m) => m.type === 'voteResp')).toHaveLength(0);
  });
});

describe('PreVote and CheckQuorum', () => {
  it('a partitioned node does not inflate its term with pre-vote', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    const term = net.node('a').term;
    net.isolate('c');
    for (let i = 0; i < 100; i++) {
      net.tickAll();
      net.stabilize();
    }
    expect(net.node('c').term).toBe(term);
    net.heal();
    for (let i = 0; i < 5; i++) {
      net.tickAll();
      net.stabilize();
    }
    expect(net.node('a').role).toBe('leader');
    expect(net.node('a').term).toBe(term);
  });

  it('without pre-vote a rejoining node disrupts the leader (why PreVote exists)', () => {
    const net = new TestNetwork(ids3, { preVote: false, checkQuorum: false });
    net.elect('a');
    net.isolate('c');
    for (let i = 0; i < 60; i++) {
      net.tick('c');
      net.stabilize();
    }
    expect(net.node('c').term).toBeGreaterThan(net.node('a').term);
  });

  it('a leader that loses its majority steps down after an election timeout (CheckQuorum)', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    net.isolate('a');
    for (let i = 0; i < 25; i++) {
      net.tick('a');
      net.stabilize();
    }
    expect(net.node('a').role).toBe('follower');
  });

  it('followers in a live leader lease ignore a vote request (a removed member cannot disrupt)', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    const b = net.node('b');
    const before = b.term;
    b.step({ type: 'vote', from: 'c', to: 'b', term: before + 1, index: 100, logTerm: 100, transfer: false });
    expect(b.term).toBe(before);
    expect(drain(b).filter((m) => m.type === 'voteResp')).toHaveLength(0);
  });
});

describe('a lost connection to the leader (the driver\'s peerUnreachable hint)', () => {
  it('ends the lease at once: a follower told so grants the pre-vote and vote it would have ignored', () => {
    for (const hinted of [false, true]) {
      const net = new TestNetwork(ids3);
      net.elect('a');
      net.isolate('a');
      if (hinted) net.node('b').peerUnreachable('a');
      net.elect('c');
      // Unhinted, c's pre-vote goes unanswered: it stays a pre-candidate at the same term.
      expect(net.node('c').role).toBe(hinted ? 'leader' : 'preCandidate');
      expect(net.node('b').lead).toBe(hinted ? 'c' : 'a');
    }
  });

  it('the hinted follower campaigns within one randomised timeout of the hint, not of the last heartbeat', () => {
    const ticksToLeader = (hint: boolean): number => {
      const net = new TestNetwork(ids3, { electionTick: 10 });
      net.elect('a');
      net.isolate('a');
      for (const id of ['b', 'c']) if (hint) net.node(id).peerUnreachable('a');
      for (let t = 1; t <= 100; t++) {
        net.tick('b');
        net.tick('c');
        net.stabilize();
        if (net.node('b').role === 'leader' || net.node('c').role === 'leader') return t;
      }
      return Infinity;
    };
    expect(ticksToLeader(false)).toBeGreaterThanOrEqual(10);
    expect(ticksToLeader(true)).toBeLessThanOrEqual(10);
    expect(ticksToLeader(true)).toBeLessThan(ticksToLeader(false));
  });

  it('with lostLeaderTick, a long election timeout still replaces a dead leader within [n, 2n) ticks of the hint', () => {
    const ticksToLeader = (hint: boolean): number => {
      const net = new TestNetwork(ids3, { electionTick: 100, lostLeaderTick: 5 });
      net.elect('a');
      net.isolate('a');
      for (const id of ['b', 'c']) if (hint) net.node(id).peerUnreachable('a');
      for (let t = 1; t <= 400; t++) {
        net.tick('b');
        net.tick('c');
        net.stabilize();
        if (net.node('b').role === 'leader' || net.node('c').role === 'leader') return t;
      }
      return Infinity;
    };
    // Silent, the leader keeps its followers for a whole election timeout; a lost connection does not.
    expect(ticksToLeader(false)).toBeGreaterThanOrEqual(100);
    expect(ticksToLeader(true)).toBeLessThan(10);
  });

  it('with lostLeaderTick, a busy leader that only stays silent keeps its followers for the whole election timeout', () => {
    const net = new TestNetwork(ids3, { electionTick: 100, lostLeaderTick: 5 });
    net.elect('a');
    const term = net.node('a').term;
    net.isolate('a');
    for (let t = 1; t < 100; t++) {
      net.tick('b');
      net.tick('c');
      net.stabilize();
    }
    net.heal();
    net.tick('a', 2);
    net.stabilize();
    expect(net.node('a').role).toBe('leader');
    expect([net.node('b').term, net.node('c').term]).toEqual([term, term]);
  });

  it('is ignored for a peer that is not the leader', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    net.node('b').peerUnreachable('c');
    net.isolate('a');
    net.elect('c');
    expect(net.node('c').role).toBe('preCandidate');
  });

  it('a false alarm ends when the live leader\'s next heartbeat arrives: the lease holds again', () => {
    for (const heartbeat of [false, true]) {
      const net = new TestNetwork(ids3);
      net.elect('a');
      net.node('b').peerUnreachable('a');
      if (heartbeat) {
        net.tick('a', 2);
        net.stabilize();
      }
      const term = net.node('a').term;
      net.isolate('a');
      net.elect('c');
      expect(net.node('c').role === 'leader').toBe(!heartbeat);
      if (heartbeat) expect(net.node('b').term).toBe(term);
    }
  });
});

describe('log replication (Figure 2: AppendEntries)', () => {
  it('replicates and commits on all members, in order', () => {
    const net = new TestNetwork(ids5);
    net.elect('a');
    for (const x of ['1', '2', '3']) net.node('a').propose(x);
    net.stabilize();
    for (const id of ids5) expect(net.appliedData(id)).toEqual(['1', '2', '3']);
  });

  it('receiver rule 2: rejects when the log has no entry at prevLogIndex with prevLogTerm', () => {
    const n = single('b', ids3);
    n.step({ type: 'app', from: 'a', to: 'b', term: 2, index: 10, logTerm: 2, entries: [], commit: 0 });
    const r = drain(n).find((m) => m.type === 'appResp');
    expect(r && r.type === 'appResp' && r.reject).toBe(true);
  });

  it('receiver rule 3: a conflicting entry and everything after it is deleted', () => {
    const n = single('b', ids3);
    const e = (index: number, term: number): Entry => ({ index, term, type: 'normal', data: `${index}@${term}` });
    n.step({ type: 'app', from: 'a', to: 'b', term: 2, index: 3, logTerm: 1, entries: [e(4, 2), e(5, 2), e(6, 2)], commit: 3 });
    drain(n);
    n.step({ type: 'app', from: 'c', to: 'b', term: 3, index: 4, logTerm: 2, entries: [e(5, 3)], commit: 3 });
    drain(n);
    expect(n.log.lastIndex()).toBe(5);
    expect(n.log.term(5)).toBe(3);
  });

  it('receiver rule 4: existing matching entries are not truncated by a stale, shorter append', () => {
    const n = single('b', ids3);
    const e = (index: number, term: number): Entry => ({ index, term, type: 'normal', data: 'x' });
    n.step({ type: 'app', from: 'a', to: 'b', term: 2, index: 3, logTerm: 1, entries: [e(4, 2), e(5, 2)], commit: 3 });
    n.step({ type: 'app', from: 'a', to: 'b', term: 2, index: 3, logTerm: 1, entries: [e(4, 2)], commit: 3 });
    expect(n.log.lastIndex()).toBe(5);
  });

  it('receiver rule 5: commit = min(leaderCommit, index of last new entry)', () => {
    const n = single('b', ids3);
    const e = (index: number): Entry => ({ index, term: 2, type: 'normal', data: 'x' });
    n.step({ type: 'app', from: 'a', to: 'b', term: 2, index: 3, logTerm: 1, entries: [e(4), e(5)], commit: 3 });
    n.step({ type: 'app', from: 'a', to: 'b', term: 2, index: 3, logTerm: 1, entries: [e(4)], commit: 9 });
    expect(n.log.committed).toBe(4);
  });

  it('leader rule: a follower that is behind is brought up to date (nextIndex decrements)', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    net.isolate('c');
    for (let i = 0; i < 20; i++) net.node('a').propose(`v${i}`);
    net.stabilize();
    net.heal();
    net.tickAll();
    net.stabilize();
    expect(net.appliedData('c')).toHaveLength(20);
  });

  it('Figure 8: a leader does not commit an old-term entry by counting, only with one of its own term', () => {
    const e4: Entry = { index: 4, term: 2, type: 'normal', data: 'old' };
    const init = bootstrapState(ids3);
    const a = new RaftNode(
      { id: 'a', random: new SeededRandom(1), preVote: false },
      { ...init, hardState: { term: 2, vote: null, commit: 3 }, entries: [...init.entries, e4] },
    );
    a.campaign();
    drain(a);
    a.step({ type: 'voteResp', from: 'b', to: 'a', term: 3, reject: false });
    drain(a);
    expect(a.role).toBe('leader');
    expect(a.log.lastIndex()).toBe(5);
    // b now holds index 4 (term 2): a majority has it, but it is not of term 3.
    a.step({ type: 'appResp', from: 'b', to: 'a', term: 3, index: 4, reject: false, hintIndex: 0, hintTerm: 0 });
    drain(a);
    expect(a.log.committed).toBe(3);
    a.step({ type: 'appResp', from: 'b', to: 'a', term: 3, index: 5, reject: false, hintIndex: 0, hintTerm: 0 });
    drain(a);
    expect(a.log.committed).toBe(5);
  });

  it('a new leader commits the previous terms\' entries through its no-op', () => {
    const net = new TestNetwork(ids3, { preVote: false, checkQuorum: false });
    net.elect('a');
    net.elect('b');
    const b = net.node('b');
    expect(b.role).toBe('leader');
    expect(b.log.term(b.log.committed)).toBe(b.term);
    expect(net.node('a').role).toBe('follower');
  });

  it('fast backup skips a whole divergent term per round trip', () => {
    const net = new TestNetwork(ids3, { preVote: false, checkQuorum: false });
    net.elect('a');
    net.isolate('a');
    for (let i = 0; i < 50; i++) net.node('a').propose(`stale${i}`);
    net.stabilize();
    net.heal();
    net.isolate('a');
    net.elect('b');
    for (let i = 0; i < 50; i++) net.node('b').propose(`fresh${i}`);
    net.stabilize();
    net.heal();
    net.delivered.length = 0;
    net.tickAll();
    net.stabilize();
    const rejects = net.delivered.filter((m) => m.type === 'appResp' && m.reject && m.from === 'a');
    expect(rejects.length).toBeLessThanOrEqual(2);
    expect(net.appliedData('a')).toEqual(net.appliedData('b'));
  });

  it('a follower forwards proposals to the leader', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    expect(net.node('c').propose('via-c')).toBeNull();
    net.stabilize();
    expect(net.appliedData('a')).toEqual(['via-c']);
  });

  it('a node without a leader drops proposals with a typed error', () => {
    const n = single('b', ids3);
    expect(() => n.propose('x')).toThrow(/no leader/);
  });

  it('batches proposals made between two Ready rounds into one append per follower', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    net.delivered.length = 0;
    for (let i = 0; i < 100; i++) net.node('a').propose(`p${i}`);
    net.stabilize();
    const apps = net.delivered.filter((m): m is AppMsg => m.type === 'app' && m.entries.length > 0);
    expect(apps.length).toBe(2);
    expect(apps[0].entries).toHaveLength(100);
  });

  it('bounds the in-flight window per follower', () => {
    const net = new TestNetwork(ids3, { maxInflightMsgs: 4, maxSizePerMsg: 1 });
    net.elect('a');
    const a = net.node('a');
    net.isolate('b');
    const sent: Message[] = [];
    for (let i = 0; i < 30; i++) {
      a.propose(`p${i}`);
      while (a.hasReady()) {
        const rd = a.ready();
        sent.push(...rd.messages);
        a.advance();
      }
    }
    expect(sent.filter((m) => m.type === 'app' && m.to === 'b' && m.entries.length > 0).length).toBeLessThanOrEqual(4);
  });
});

describe('leadership transfer', () => {
  it('hands over to an up-to-date follower', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    net.node('a').transferLeader('c');
    net.stabilize();
    expect(net.node('c').role).toBe('leader');
    expect(net.node('a').lead).toBe('c');
  });

  it('catches a lagging target up first, and drops proposals meanwhile', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    net.isolate('c');
    for (let i = 0; i < 5; i++) net.node('a').propose(`x${i}`);
    net.stabilize();
    net.heal();
    net.node('a').transferLeader('c');
    expect(() => net.node('a').propose('during')).toThrow(/transfer/);
    net.stabilize();
    expect(net.node('c').role).toBe('leader');
    expect(net.appliedData('c')).toHaveLength(5);
  });

  it('is abandoned after an election timeout when the target is unreachable', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    net.isolate('c');
    net.node('a').transferLeader('c');
    for (let i = 0; i < 12; i++) {
      net.tick('a');
      net.stabilize();
    }
    expect(net.node('a').status().leadTransferee).toBeNull();
    expect(net.node('a').propose('after')).not.toBeNull();
  });
});

describe('ReadIndex', () => {
  it('leader and follower reads get a read state at the commit index', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    net.node('a').propose('w');
    net.stabilize();
    const commit = net.node('a').log.committed;
    net.node('a').readIndex('ra');
    net.node('b').readIndex('rb');
    net.stabilize();
    expect(net.reads.get('a')).toEqual([{ index: commit, context: 'ra' }]);
    expect(net.reads.get('b')).toEqual([{ index: commit, context: 'rb' }]);
  });

  it('a new leader holds reads until it commits an entry of its term', () => {
    const net = new TestNetwork(ids3);
    net.filter = (m) => m.type !== 'appResp';
    net.elect('a');
    net.node('a').readIndex('early');
    net.stabilize();
    expect(net.reads.get('a')).toBeUndefined();
    net.filter = null;
    net.tickAll();
    net.stabilize();
    expect(net.reads.get('a')?.[0]?.context).toBe('early');
  });

  it('a leader cut off from its majority cannot answer a read', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    net.isolate('a');
    const a = net.node('a');
    a.readIndex('r1');
    let served = false;
    for (let i = 0; i < 5; i++) {
      a.tick();
      while (a.hasReady()) {
        const rd = a.ready();
        if (rd.readStates.length > 0) served = true;
        a.advance();
      }
    }
    expect(served).toBe(false);
  });
});

describe('membership', () => {
  it('adds a learner that catches up without voting, then promotes it', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    for (let i = 0; i < 10; i++) net.node('a').propose(`x${i}`);
    net.stabilize();
    const d = new RaftNode({ id: 'd', random: new SeededRandom(9) }, { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] });
    net.add('d', d);
    net.node('a').proposeConfChange({ type: 'addLearner', node: 'd' });
    net.stabilize();
    net.tickAll();
    net.stabilize();
    expect(net.appliedData('d')).toHaveLength(10);
    expect(net.node('a').status().conf.learners).toEqual(['d']);
    expect(d.isPromotable()).toBe(false);
    net.node('a').proposeConfChange({ type: 'addVoter', node: 'd' });
    net.stabilize();
    expect(net.node('a').status().conf.voters).toEqual(['a', 'b', 'c', 'd']);
    expect(d.isPromotable()).toBe(true);
  });

  it('refuses a second conf change while one is pending', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    net.node('a').proposeConfChange({ type: 'addLearner', node: 'd' });
    expect(() => net.node('a').proposeConfChange({ type: 'addLearner', node: 'e' })).toThrow(/membership change/);
  });

  it('removing a member shrinks the quorum; the leader removing itself steps down', () => {
    const net = new TestNetwork(ids3);
    net.elect('a');
    net.node('a').proposeConfChange({ type: 'remove', node: 'a' });
    net.stabilize();
    expect(net.node('a').role).toBe('follower');
    expect(net.node('a').isPromotable()).toBe(false);
    for (let i = 0; i < 40 && !net.leader(); i++) {
      net.tickAll();
      net.stabilize();
    }
    expect(['b', 'c']).toContain(net.leader()?.id);
  });
});

describe('snapshots', () => {
  it('compacts the log and sends a lagging follower the snapshot in chunks', () => {
    const net = new TestNetwork(ids3, { snapshotChunkBytes: 16 });
    net.elect('a');
    net.isolate('c');
    for (let i = 0; i < 20; i++) net.node('a').propose(`x${i}`);
    net.stabilize();
    const a = net.node('a');
    const image = new TextEncoder().encode('state-machine-image-that-spans-several-chunks');
    a.compact(a.log.applied, image);
    expect(a.log.firstIndex()).toBe(a.log.applied + 1);
    net.heal();
    for (let i = 0; i < 10; i++) {
      net.tickAll();
      net.stabilize();
    }
    const snapshotSeen = net.snapshots.get('c')?.[0]?.data;
    const chunks = net.delivered.filter((m) => m.type === 'snap');
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(snapshotSeen && new TextDecoder().decode(snapshotSeen)).toBe(new TextDecoder().decode(image));
    expect(net.node('c').log.committed).toBe(a.log.committed);
  });
});
