import type { InitialState, RaftConfig } from './config';
import { DEFAULT_CONFIG, validateConfig } from './config';
import { ProposalDroppedError, RaftError } from './errors';
import { RaftLog } from './log';
import type {
  AppMsg,
  AppRespMsg,
  HeartbeatMsg,
  HeartbeatRespMsg,
  Message,
  PropMsg,
  ReadIndexMsg,
  SnapMsg,
  SnapRespMsg,
  VoteMsg,
  VoteRespMsg,
} from './messages';
import { isFromLeader } from './messages';
import { Progress } from './progress';
import { committedIndex, voteResult } from './quorum';
import type { ReadState } from './read-only';
import { ReadOnly } from './read-only';
import type { Ready } from './ready';
import type { ConfChange, ConfState, Entry, EntryType, HardState, NodeId, Payload, Role, Snapshot } from './types';
import { decodeConfChange, encodeConfChange, entrySize } from './types';

export interface Status {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly lead: NodeId | null;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly conf: ConfState;
  readonly leadTransferee: NodeId | null;
}

/** Where a proposal landed on the leader; null when it was forwarded. */
export interface Proposed {
  readonly index: number;
  readonly term: number;
}

interface SnapReceive {
  index: number;
  parts: Uint8Array[];
  received: number;
}

/**
 * One Raft member as a deterministic state machine: no timers, disk or sockets.
 * The driver calls `tick()` on a clock, `step()` for each message, `propose()`
 * for client data, and loops `ready()` / `advance()` to persist, send and
 * apply. Structure after etcd-io/raft raft.go and rawnode.go; every rule is
 * the Raft paper's Figure 2 plus the thesis' PreVote, CheckQuorum, leadership
 * transfer, ReadIndex and single-server membership changes.
 */
export class RaftNode {
  readonly id: NodeId;
  private readonly cfg: RaftConfig;
  term = 0;
  vote: NodeId | null = null;
  lead: NodeId | null = null;
  role: Role = 'follower';
  readonly log: RaftLog;

  private voters = new Set<NodeId>();
  private learners = new Set<NodeId>();
  private readonly prs = new Map<NodeId, Progress>();
  /** Conf entries up to here are already reflected in voters/learners. */
  private confAppliedIndex = 0;
  /** A leader accepts no conf change until the previous one (or its first entry) is applied. */
  private pendingConfIndex = 0;
  private votes = new Map<NodeId, boolean>();
  private msgs: Message[] = [];
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private leadTransferee: NodeId | null = null;
  private readOnly = new ReadOnly();
  /** Reads that arrived before this leader committed an entry of its term. */
  private pendingReads: ReadIndexMsg[] = [];
  private readStates: ReadState[] = [];
  private snapRecv: SnapReceive | null = null;
  /** Proposals since the last Ready: broadcast once, so they travel as one batch. */
  private bcastPending = false;
  private bcastCommit = false;
  private prevHard: HardState;
  private inReady: { lastIndex: number; lastTerm: number; snapIndex: number; applying: number; committed: Entry[] } | null = null;

  constructor(config: Partial<RaftConfig> & Pick<RaftConfig, 'id' | 'random'>, init: InitialState) {
    this.cfg = { ...DEFAULT_CONFIG, ...config };
    validateConfig(this.cfg);
    this.id = this.cfg.id;
    this.log = new RaftLog(init.snapshot, init.entries, init.hardState.commit);
    this.term = init.hardState.term;
    this.vote = init.hardState.vote;
    const conf = init.snapshot?.meta.conf ?? init.conf ?? { voters: [], learners: [] };
    this.setConf(conf);
    this.confAppliedIndex = this.log.applied;
    // Committed conf changes are known to hold: apply them now so a restarted
    // member campaigns (or not) with the membership it last acknowledged.
    this.applyConfEntriesUpTo(this.log.committed);
    this.prevHard = this.hardState();
    this.becomeFollower(this.term, null);
  }

  // ---------------------------------------------------------------- public API

  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  /**
   * The driver lost its connection to `id` (the process died or the link
   * broke). When that is our leader, its lease (CheckQuorum's reason to ignore
   * candidates) ends now rather than a full election timeout after its last
   * heartbeat: this follower grants pre-votes at once and campaigns within one
   * randomized timeout. A false alarm costs nothing: a live leader's next
   * heartbeat restores the lease, and PreVote keeps a campaign that cannot win
   * from raising anyone's term.
   */
  peerUnreachable(id: NodeId): void {
    if (this.role !== 'follower' || this.lead !== id) return;
    this.electionElapsed = Math.max(this.electionElapsed, this.cfg.electionTick);
    // A lost connection is better evidence than silence: with lostLeaderTick set, the campaign
    // comes within [n, 2n) ticks of it, so a long electionTick (patient with a busy leader that
    // is only slow to answer) does not also slow down replacing one that died.
    const quick = this.cfg.lostLeaderTick;
    if (quick > 0) this.randomizedElectionTimeout = Math.min(this.randomizedElectionTimeout, this.electionElapsed + quick + this.cfg.random.int(quick));
  }

  /** Start an election now (the driver's "campaign" button; also used by tests). */
  campaign(): void {
    this.hup(false);
  }

  /**
   * Appends `data` when leader and returns where; forwards to the leader when
   * follower (returns null); throws ProposalDroppedError when nobody can take it.
   */
  propose(data: Payload, type: EntryType = 'normal'): Proposed | null {
    return this.proposeBatch([{ type, data }]);
  }

  /** Several proposals as one batch; returns the first index on the leader. */
  proposeBatch(items: readonly { type: EntryType; data: Payload }[]): Proposed | null {
    if (items.length === 0) return null;
    if (this.role === 'leader') return this.leaderAppend(items);
    if (this.lead === null) throw new ProposalDroppedError('no leader');
    if (items.some((i) => i.type === 'conf')) throw new ProposalDroppedError('conf changes must be proposed on the leader');
    this.send({ type: 'prop', from: this.id, to: this.lead, term: 0, entries: items });
    return null;
  }

  proposeConfChange(cc: ConfChange): Proposed | null {
    return this.propose(encodeConfChange(cc), 'conf');
  }

  /** Linearizable read: a ReadState with `context` appears in a later Ready. */
  readIndex(context: string): void {
    const m: ReadIndexMsg = { type: 'readIndex', from: this.id, to: this.lead ?? this.id, term: 0, context };
    if (this.role === 'leader') {
      this.leaderReadIndex(m);
      return;
    }
    if (this.lead === null) throw new ProposalDroppedError('no leader for read');
    this.send(m);
  }

  /** Thesis §3.10: hand leadership to `target` once it has our whole log. */
  transferLeader(target: NodeId): void {
    if (this.role !== 'leader') throw new RaftError('not_leader', 'only the leader can transfer leadership');
    if (target === this.id || !this.voters.has(target)) return;
    if (this.leadTransferee === target) return;
    this.leadTransferee = target;
    // The transfer must finish within one election timeout or it is abandoned.
    this.electionElapsed = 0;
    const pr = this.prs.get(target) as Progress;
    if (pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', from: this.id, to: target, term: this.term });
    else this.sendAppend(target, true);
  }

  step(m: Message): void {
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        const inLease = this.cfg.checkQuorum && this.lead !== null && this.electionElapsed < this.cfg.electionTick;
        // A live leader's followers ignore disruptive candidates (e.g. a removed member).
        if (!m.transfer && inLease) return;
      }
      if (m.type === 'preVote') {
        // A pre-vote never changes our term.
      } else if (m.type === 'preVoteResp' && !m.reject) {
        // A granted pre-vote carries the term we would campaign at.
      } else {
        this.becomeFollower(m.term, isFromLeader(m) ? m.from : null);
      }
    } else if (m.term < this.term && m.term !== 0) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'app' || m.type === 'heartbeat')) {
        // Tell a stale leader our term so it steps down; without this a
        // partitioned node with a higher term (that cannot win) would never
        // learn of the leader, and the leader never of it.
        this.send({ type: 'appResp', from: this.id, to: m.from, term: this.term, index: 0, reject: false, hintIndex: 0, hintTerm: 0 });
      } else if (m.type === 'preVote') {
        this.send({ type: 'preVoteResp', from: this.id, to: m.from, term: this.term, reject: true });
      }
      return;
    }

    switch (m.type) {
      case 'vote':
      case 'preVote':
        this.handleVote(m);
        return;
      default:
        break;
    }
    switch (this.role) {
      case 'leader':
        this.stepLeader(m);
        return;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        return;
      case 'follower':
        this.stepFollower(m);
        return;
    }
  }

  hasReady(): boolean {
    return (
      this.bcastPending ||
      this.msgs.length > 0 ||
      this.log.unstableEntries().length > 0 ||
      this.log.pendingSnapshot !== null ||
      this.log.hasNextCommitted() ||
      this.readStates.length > 0 ||
      !sameHard(this.hardState(), this.prevHard)
    );
  }

  ready(): Ready {
    if (this.inReady) throw new RaftError('unavailable', 'ready() called twice without advance()');
    this.flushBroadcast();
    const hs = this.hardState();
    const hardChanged = !sameHard(hs, this.prevHard);
    const entries = this.log.unstableEntries();
    const snapshot = this.log.pendingSnapshot;
    const committedEntries = this.log.takeCommitted(this.cfg.maxCommittedPerReady, this.cfg.maxCommittedBytesPerReady);
    const rd: Ready = {
      hardState: hardChanged ? hs : null,
      entries,
      snapshot,
      committedEntries,
      messages: this.msgs,
      readStates: this.readStates,
      mustSync: entries.length > 0 || snapshot !== null || hs.term !== this.prevHard.term || hs.vote !== this.prevHard.vote,
    };
    this.msgs = [];
    this.readStates = [];
    this.prevHard = hs;
    const last = entries.length > 0 ? entries[entries.length - 1] : null;
    this.inReady = {
      lastIndex: last?.index ?? 0,
      lastTerm: last?.term ?? 0,
      snapIndex: snapshot?.meta.index ?? 0,
      applying: this.log.applying,
      committed: committedEntries as Entry[],
    };
    return rd;
  }

  /** The driver finished the last Ready (persisted, sent, applied). */
  advance(): void {
    const r = this.inReady;
    if (!r) return;
    this.inReady = null;
    if (r.snapIndex > 0 && this.log.pendingSnapshot?.meta.index === r.snapIndex) this.log.pendingSnapshot = null;
    if (r.lastIndex > 0) this.log.stableTo(r.lastIndex, r.lastTerm);
    this.log.appliedTo(r.applying);
    for (const e of r.committed) if (e.type === 'conf') this.applyConfEntry(e);
    if (this.role === 'leader') {
      // The leader counts itself only for entries on its own disk.
      const self = this.prs.get(this.id);
      if (self && self.maybeUpdate(Math.min(this.log.stabled, this.log.lastIndex()))) this.maybeCommit();
    }
  }

  /**
   * The driver took a snapshot of the state machine at `index` (<= applied):
   * remember it for lagging followers and drop the log before `index - retain`.
   */
  compact(index: number, data: Uint8Array, retain = 0): Snapshot {
    if (this.log.pendingSnapshot) throw new RaftError('unavailable', 'a snapshot from the leader is still being applied');
    const have = this.log.snapshot;
    if (have && index <= have.meta.index) return have;
    const term = this.log.term(index);
    if (term === undefined) throw new RaftError('compacted', `cannot snapshot at ${index}: not in the log`);
    if (index > this.log.applied) throw new RaftError('compacted', `cannot snapshot at ${index}: applied is ${this.log.applied}`);
    const snap: Snapshot = { meta: { index, term, conf: this.confAt() }, data };
    this.log.compact(snap, index - retain + 1);
    return snap;
  }

  status(): Status {
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      lead: this.lead,
      commit: this.log.committed,
      applied: this.log.applied,
      lastIndex: this.log.lastIndex(),
      conf: this.confAt(),
      leadTransferee: this.leadTransferee,
    };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  progress(id: NodeId): Readonly<Progress> | undefined {
    return this.prs.get(id);
  }

  isPromotable(): boolean {
    return this.voters.has(this.id);
  }

  // ------------------------------------------------------------- role changes

  private reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = null;
    }
    this.lead = null;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTick + this.cfg.random.int(this.cfg.electionTick);
    this.leadTransferee = null;
    this.votes = new Map();
    this.pendingConfIndex = 0;
    this.readOnly = new ReadOnly();
    this.pendingReads = [];
    this.bcastPending = false;
    this.bcastCommit = false;
    const next = this.log.lastIndex() + 1;
    for (const [id, pr] of this.prs) {
      const fresh = this.newProgress(next, pr.isLearner);
      if (id === this.id) fresh.match = Math.min(this.log.stabled, this.log.lastIndex());
      this.prs.set(id, fresh);
    }
  }

  private becomeFollower(term: number, lead: NodeId | null): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  private becomePreCandidate(): void {
    // Neither term nor vote change: a failed pre-vote leaves no trace.
    this.votes = new Map();
    this.lead = null;
    this.role = 'preCandidate';
  }

  private becomeCandidate(): void {
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  private becomeLeader(): void {
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    const self = this.prs.get(this.id);
    if (self) {
      self.becomeReplicate();
      self.recentActive = true;
    }
    // No conf change until everything up to our first entry is applied: this
    // is the fix for the single-server membership bug (Ongaro, raft-dev 2015).
    this.pendingConfIndex = this.log.lastIndex();
    // The no-op of §8: commits the previous terms' entries (Figure 8 forbids counting them).
    this.leaderAppend([{ type: 'normal', data: '' }]);
  }

  private hup(transfer: boolean): void {
    if (this.role === 'leader') return;
    if (!this.isPromotable()) return;
    if (this.hasUnappliedConf()) return;
    if (this.cfg.preVote && !transfer) this.campaignAs('preCandidate', false);
    else this.campaignAs('candidate', transfer);
  }

  private campaignAs(role: 'preCandidate' | 'candidate', transfer: boolean): void {
    let voteTerm: number;
    if (role === 'preCandidate') {
      this.becomePreCandidate();
      voteTerm = this.term + 1;
    } else {
      this.becomeCandidate();
      voteTerm = this.term;
    }
    this.votes.set(this.id, true);
    if (voteResult(this.voters, this.votes) === 'won') {
      if (role === 'preCandidate') this.campaignAs('candidate', transfer);
      else this.becomeLeader();
      return;
    }
    const type = role === 'preCandidate' ? 'preVote' : 'vote';
    for (const id of this.voters) {
      if (id === this.id) continue;
      this.send({ type, from: this.id, to: id, term: voteTerm, index: this.log.lastIndex(), logTerm: this.log.lastTerm(), transfer });
    }
  }

  private hasUnappliedConf(): boolean {
    for (let i = this.log.applied + 1; i <= this.log.committed; i++) {
      const e = this.log.entry(i);
      if (e && e.type === 'conf' && i > this.confAppliedIndex) return true;
    }
    return false;
  }

  // ------------------------------------------------------------------- ticks

  private tickElection(): void {
    this.electionElapsed++;
    // The sole voter of its configuration has no leader to wait out: no other member can be one.
    // Waiting a whole election timeout (seconds, on managers) only delays `swarm init` and a lone
    // manager's restart; it campaigns on its first tick instead.
    const alone = this.voters.size === 1 && this.voters.has(this.id);
    if (this.isPromotable() && (alone || this.electionElapsed >= this.randomizedElectionTimeout)) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTick) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, null);
        return;
      }
      this.leadTransferee = null;
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTick) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat(this.readOnly.lastContext() ?? '');
    }
  }

  /** CheckQuorum: did a majority of voters answer since the last round? Resets the marks. */
  private quorumActive(): boolean {
    const active = new Map<NodeId, boolean>();
    for (const id of this.voters) {
      const pr = this.prs.get(id);
      active.set(id, id === this.id || (pr?.recentActive ?? false));
    }
    for (const [id, pr] of this.prs) if (id !== this.id) pr.recentActive = false;
    return voteResult(this.voters, active) === 'won';
  }

  // ----------------------------------------------------------------- voting

  private handleVote(m: VoteMsg): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.lead === null) ||
      (m.type === 'preVote' && m.term > this.term);
    const respType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      // Answer at the candidate's term: a pre-candidate must not see our older term as a rejection.
      this.send({ type: respType, from: this.id, to: m.from, term: m.term, reject: false });
      if (m.type === 'vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, from: this.id, to: m.from, term: this.term, reject: true });
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'app':
        this.becomeFollower(m.term, m.from);
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case 'snap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case 'preVoteResp':
      case 'voteResp':
        this.handleVoteResp(m);
        return;
      default:
        return;
    }
  }

  private handleVoteResp(m: VoteRespMsg): void {
    const mine = this.role === 'preCandidate' ? 'preVoteResp' : 'voteResp';
    if (m.type !== mine) return;
    this.votes.set(m.from, !m.reject);
    const res = voteResult(this.voters, this.votes);
    if (res === 'won') {
      if (this.role === 'preCandidate') this.campaignAs('candidate', false);
      else this.becomeLeader();
    } else if (res === 'lost') {
      this.becomeFollower(this.term, null);
    }
  }

  // --------------------------------------------------------------- follower

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'app':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return;
      case 'snap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return;
      case 'timeoutNow':
        this.hup(true);
        return;
      case 'readIndexResp':
        if (m.index > 0) this.readStates.push({ index: m.index, context: m.context });
        return;
      default:
        // A forwarded proposal or read that reached a non-leader is dropped; the client retries.
        return;
    }
  }

  private handleAppend(m: AppMsg): void {
    const reply = (fields: Pick<AppRespMsg, 'index' | 'reject' | 'hintIndex' | 'hintTerm'>): void =>
      this.send({ type: 'appResp', from: this.id, to: m.from, term: this.term, ...fields });
    if (m.index < this.log.committed) {
      reply({ index: this.log.committed, reject: false, hintIndex: 0, hintTerm: 0 });
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== null) {
      reply({ index: lastNew, reject: false, hintIndex: 0, hintTerm: 0 });
      return;
    }
    // Fast backup (§5.3's optimisation, etcd's variant): point the leader at
    // our last entry whose term is <= the probed term, skipping a whole term per round trip.
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    reply({ index: m.index, reject: true, hintIndex: hint.index, hintTerm: hint.term });
  }

  private handleHeartbeat(m: HeartbeatMsg): void {
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    this.send({ type: 'heartbeatResp', from: this.id, to: m.from, term: this.term, context: m.context });
  }

  private handleSnapshot(m: SnapMsg): void {
    const idx = m.meta.index;
    if (idx <= this.log.committed) {
      this.snapRecv = null;
      this.send({ type: 'appResp', from: this.id, to: m.from, term: this.term, index: this.log.committed, reject: false, hintIndex: 0, hintTerm: 0 });
      return;
    }
    if (m.offset === 0) this.snapRecv = { index: idx, parts: [], received: 0 };
    const r = this.snapRecv;
    if (!r || r.index !== idx || r.received !== m.offset) {
      // Out of order or a different snapshot: tell the leader where we are.
      const at = r && r.index === idx ? r.received : 0;
      this.send({ type: 'snapResp', from: this.id, to: m.from, term: this.term, index: idx, offset: at });
      return;
    }
    r.parts.push(m.data);
    r.received += m.data.byteLength;
    if (r.received < m.total) {
      this.send({ type: 'snapResp', from: this.id, to: m.from, term: this.term, index: idx, offset: r.received });
      return;
    }
    this.snapRecv = null;
    const data = concat(r.parts, r.received);
    this.restore({ meta: m.meta, data });
    this.send({ type: 'appResp', from: this.id, to: m.from, term: this.term, index: this.log.lastIndex(), reject: false, hintIndex: 0, hintTerm: 0 });
  }

  private restore(s: Snapshot): void {
    if (s.meta.index <= this.log.committed) return;
    if (this.log.matchTerm(s.meta.index, s.meta.term)) {
      // We already hold the snapshot's entries: just learn that they are committed.
      this.log.commitTo(s.meta.index);
      return;
    }
    this.log.restore(s);
    this.setConf(s.meta.conf);
    this.confAppliedIndex = s.meta.index;
  }

  // ----------------------------------------------------------------- leader

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'prop':
        this.handleForwardedProp(m);
        return;
      case 'readIndex':
        this.leaderReadIndex(m);
        return;
      case 'appResp':
        this.handleAppResp(m);
        return;
      case 'heartbeatResp':
        this.handleHeartbeatResp(m);
        return;
      case 'snapResp':
        this.handleSnapResp(m);
        return;
      default:
        return;
    }
  }

  private handleForwardedProp(m: PropMsg): void {
    if (this.leadTransferee !== null) return;
    if (m.entries.some((e) => e.type === 'conf')) return;
    this.leaderAppend(m.entries);
  }

  private leaderAppend(items: readonly { type: EntryType; data: Payload }[]): Proposed {
    if (this.leadTransferee !== null) throw new ProposalDroppedError(`leadership transfer to ${this.leadTransferee} in progress`);
    let index = this.log.lastIndex();
    const entries: Entry[] = [];
    for (const it of items) {
      index++;
      if (it.type === 'conf') {
        if (this.pendingConfIndex > this.log.applied) {
          throw new RaftError('conf_change_pending', 'a membership change is still being applied; retry after it');
        }
        this.checkConfChange(decodeConfChange(it.data));
        this.pendingConfIndex = index;
      }
      entries.push({ term: this.term, index, type: it.type, data: it.data });
    }
    this.log.append(entries);
    this.bcastPending = true;
    // A lone voter commits as soon as the entry is on its disk (see advance()).
    return { index: entries[0].index, term: this.term };
  }

  private checkConfChange(cc: ConfChange): void {
    if (cc.type === 'remove' && this.voters.has(cc.node) && this.voters.size === 1) {
      throw new RaftError('invalid_config', 'cannot remove the last voter');
    }
  }

  private handleAppResp(m: AppRespMsg): void {
    const pr = this.prs.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    if (m.reject) {
      const hint = m.hintTerm > 0 ? this.log.findConflictByTerm(m.hintIndex, m.hintTerm).index : m.hintIndex;
      if (pr.maybeDecrTo(m.index, hint)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from, true);
      }
      return;
    }
    const wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index)) {
      // Stale, or a probe that found the follower already caught up.
      if (pr.state === 'probe' && pr.match === m.index && m.index > 0) pr.becomeReplicate();
      else return;
    }
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);

    if (this.maybeCommit()) {
      // Everybody learns the new commit index in the next flush.
    } else if (wasPaused) {
      this.sendAppend(m.from, false);
    }
    // Pipelining: fill the window with whatever is left.
    while (this.maybeSendAppend(m.from, false)) {
      /* keep sending */
    }
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.send({ type: 'timeoutNow', from: this.id, to: m.from, term: this.term });
    }
  }

  private handleHeartbeatResp(m: HeartbeatRespMsg): void {
    const pr = this.prs.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    pr.probeSent = false;
    if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
    if (pr.state === 'snapshot') this.sendSnapChunk(m.from, pr);
    else if (pr.match < this.log.lastIndex()) this.sendAppend(m.from, true);

    if (m.context === '') return;
    const acks = this.readOnly.ack(m.from, m.context);
    if (!acks) return;
    const confirm = new Map<NodeId, boolean>();
    for (const a of acks) confirm.set(a, true);
    confirm.set(this.id, true);
    if (voteResult(this.voters, confirm) !== 'won') return;
    for (const r of this.readOnly.release(m.context)) this.answerRead(r.from, r.context, r.index);
  }

  private handleSnapResp(m: SnapRespMsg): void {
    const pr = this.prs.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    if (pr.state !== 'snapshot' || pr.pendingSnapshot !== m.index) return;
    pr.snapOffset = m.offset;
    this.sendSnapChunk(m.from, pr);
  }

  private leaderReadIndex(m: ReadIndexMsg): void {
    if (this.log.term(this.log.committed) !== this.term) {
      // Until an entry of this term commits, our commit index may be behind the previous leader's.
      this.pendingReads.push(m);
      return;
    }
    if (this.voters.size === 1 && this.voters.has(this.id)) {
      this.answerRead(m.from, m.context, this.log.committed);
      return;
    }
    this.readOnly.add(this.log.committed, m.context, m.from);
    this.bcastHeartbeat(m.context);
  }

  private answerRead(to: NodeId, context: string, index: number): void {
    if (to === this.id) this.readStates.push({ index, context });
    else this.send({ type: 'readIndexResp', from: this.id, to, term: this.term, context, index });
  }

  /** Figure 2, leader rule 4 with Figure 8's restriction: only entries of the current term commit by counting. */
  private maybeCommit(): boolean {
    const idx = committedIndex(this.voters, (id) => this.prs.get(id)?.match ?? 0);
    if (idx > this.log.committed && idx <= this.log.lastIndex() && this.log.term(idx) === this.term) {
      const first = this.log.term(this.log.committed) !== this.term;
      this.log.commitTo(idx);
      this.bcastCommit = true;
      this.bcastPending = true;
      if (first && this.pendingReads.length > 0) {
        const reads = this.pendingReads;
        this.pendingReads = [];
        for (const r of reads) this.leaderReadIndex(r);
      }
      return true;
    }
    return false;
  }

  private flushBroadcast(): void {
    if (!this.bcastPending || this.role !== 'leader') {
      this.bcastPending = false;
      return;
    }
    const commit = this.bcastCommit;
    this.bcastPending = false;
    this.bcastCommit = false;
    for (const id of this.prs.keys()) {
      if (id === this.id) continue;
      this.sendAppend(id, commit);
      while (this.maybeSendAppend(id, false)) {
        /* fill the window */
      }
    }
  }

  private sendAppend(to: NodeId, sendIfEmpty: boolean): void {
    this.maybeSendAppend(to, sendIfEmpty);
  }

  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.prs.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (prevTerm === undefined || pr.next < this.log.firstIndex()) {
      this.sendSnapshot(to, pr);
      return false;
    }
    const entries = pr.next <= this.log.lastIndex() ? this.log.slice(pr.next, this.log.lastIndex() + 1, this.cfg.maxSizePerMsg) : [];
    if (entries.length === 0 && !sendIfEmpty) return false;
    let bytes = 0;
    for (const e of entries) bytes += entrySize(e);
    this.send({ type: 'app', from: this.id, to, term: this.term, index: prevIndex, logTerm: prevTerm, entries, commit: this.log.committed });
    pr.sentEntries(entries.length, bytes, prevIndex + entries.length);
    return entries.length > 0;
  }

  private sendSnapshot(to: NodeId, pr: Progress): void {
    const snap = this.log.snapshot;
    if (!snap) return;
    pr.becomeSnapshot(snap.meta.index);
    this.sendSnapChunk(to, pr);
  }

  private sendSnapChunk(to: NodeId, pr: Progress): void {
    const snap = this.log.snapshot;
    if (!snap) return;
    if (snap.meta.index !== pr.pendingSnapshot) {
      // We compacted again while sending: start over with the newer image.
      pr.becomeSnapshot(snap.meta.index);
    }
    const total = snap.data.byteLength;
    if (pr.snapOffset > total) pr.snapOffset = 0;
    const data = snap.data.subarray(pr.snapOffset, Math.min(total, pr.snapOffset + this.cfg.snapshotChunkBytes));
    this.send({ type: 'snap', from: this.id, to, term: this.term, meta: snap.meta, offset: pr.snapOffset, total, data });
  }

  private bcastHeartbeat(context: string): void {
    for (const [id, pr] of this.prs) {
      if (id === this.id) continue;
      // Never tell a follower to commit beyond what it is known to hold.
      const commit = Math.min(pr.match, this.log.committed);
      this.send({ type: 'heartbeat', from: this.id, to: id, term: this.term, commit, context });
    }
  }

  // ------------------------------------------------------------- membership

  private newProgress(next: number, learner: boolean): Progress {
    return new Progress(next, learner, this.cfg.maxInflightMsgs, this.cfg.maxInflightBytes);
  }

  private setConf(c: ConfState): void {
    this.voters = new Set(c.voters);
    this.learners = new Set(c.learners);
    const keep = new Set([...c.voters, ...c.learners]);
    for (const id of [...this.prs.keys()]) if (!keep.has(id)) this.prs.delete(id);
    const next = this.log.lastIndex() + 1;
    for (const id of keep) {
      const pr = this.prs.get(id);
      if (pr) pr.isLearner = this.learners.has(id);
      else this.prs.set(id, this.newProgress(next, this.learners.has(id)));
    }
  }

  private confAt(): ConfState {
    return { voters: [...this.voters].sort(), learners: [...this.learners].sort() };
  }

  private applyConfEntriesUpTo(index: number): void {
    for (let i = this.confAppliedIndex + 1; i <= index; i++) {
      const e = this.log.entry(i);
      if (e && e.type === 'conf') this.applyConfEntry(e);
    }
  }

  private applyConfEntry(e: Entry): void {
    if (e.index <= this.confAppliedIndex) return;
    this.confAppliedIndex = e.index;
    const cc = decodeConfChange(e.data);
    const next = this.log.lastIndex() + 1;
    switch (cc.type) {
      case 'addVoter':
        this.learners.delete(cc.node);
        this.voters.add(cc.node);
        break;
      case 'addLearner':
        if (this.voters.has(cc.node)) return;
        this.learners.add(cc.node);
        break;
      case 'remove':
        this.voters.delete(cc.node);
        this.learners.delete(cc.node);
        this.prs.delete(cc.node);
        if (this.leadTransferee === cc.node) this.leadTransferee = null;
        break;
    }
    if (cc.type !== 'remove') {
      const pr = this.prs.get(cc.node);
      if (pr) pr.isLearner = this.learners.has(cc.node);
      else {
        const fresh = this.newProgress(next, this.learners.has(cc.node));
        // A new member must not make CheckQuorum fail before it had a chance to answer.
        fresh.recentActive = true;
        this.prs.set(cc.node, fresh);
      }
    }
    if (this.role !== 'leader') return;
    if (!this.voters.has(this.id)) {
      // A leader that removed itself hands over by stepping down; it can no longer campaign.
      this.becomeFollower(this.term, null);
      return;
    }
    // A smaller quorum may commit more right away.
    if (this.maybeCommit()) this.bcastPending = true;
    this.bcastPending = true;
  }

  // ------------------------------------------------------------------ misc

  private send(m: Message): void {
    this.msgs.push(m);
  }
}

function sameHard(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The entries a brand-new cluster starts with on every founding member (identical everywhere). */
export function bootstrapState(voters: readonly NodeId[]): InitialState {
  const entries: Entry[] = voters.map((node, i) => ({
    term: 1,
    index: i + 1,
    type: 'conf' as const,
    data: encodeConfChange({ type: 'addVoter', node }),
  }));
  return { hardState: { term: 1, vote: null, commit: entries.length }, snapshot: null, entries };
}
