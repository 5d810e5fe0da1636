import { randomBytes, randomInt } from 'node:crypto';
import type { RaftConfig } from '../core/config';
import { ProposalDroppedError, RaftError } from '../core/errors';
import type { Message } from '../core/messages';
import { canSendBeforePersist } from '../core/messages';
import { pressureBudget } from './pressure-budget';
import { turnShares } from './turn-shares';
import { RaftNode, bootstrapState } from '../core/raft-node';
import { SeededRandom } from '../core/rand';
import type { Ready } from '../core/ready';
import type { ConfChange, Entry, NodeId, Payload } from '../core/types';
import { decodeConfChange } from '../core/types';
import { DiskStorage } from '../storage/disk-storage';
import type { RecordCipher } from '../storage/record-cipher';
import type { Transport } from './transport';
import { unwrap, wrap } from './envelope';

/** The replicated state machine the host drives; a manager's store implements it. */
export interface StateMachine {
  /** Apply one committed command, in index order, exactly once per incarnation of the state. */
  apply(index: number, data: Uint8Array | string): unknown;
  /** An image of the state after the last applied index. */
  snapshot(): Uint8Array;
  /** Replace the state with an image (from disk at start, or from the leader). */
  restore(data: Uint8Array): void;
}

/** Longest stretch of Ready handling in one event-loop turn before the rest waits for the next. */
const RUN_SLICE_MS = 5;
/**
 * Longest stretch of applying committed entries in one turn, while applies keep up. A Ready may
 * hand out thousands of entries (a follower catching up, a leader committing a 50k-task pass and
 * the status reports behind it); applied at once they held the event loop 100-400 ms, so they
 * wait in `toApply` and go in slices, oldest first, with sockets and timers served between
 * slices. A backlog over a second old gets longer slices (pressureBudget): applies are on every
 * proposal's path (a status report is answered once applied), and 5,000 nodes' reports timed out
 * behind slices that did not grow.
 */
const APPLY_SLICE_MS = 12;

export interface RaftHostOptions {
  readonly id: NodeId;
  /** Directory for the WAL and snapshots. */
  readonly dir: string;
  readonly transport: Transport;
  readonly stateMachine: StateMachine;
  /**
   * Founding members (id -> address) when this member creates the cluster;
   * omit on a member that joins an existing cluster (the leader adds it).
   */
  readonly bootstrap?: Readonly<Record<NodeId, string>>;
  /** Known peers' addresses (id -> address) for a restarting or joining member. */
  readonly peers?: Readonly<Record<NodeId, string>>;
  /** Milliseconds per core tick. Election timeout is electionTick..2*electionTick ticks. */
  readonly tickMs?: number;
  /** Take a snapshot and compact after this many applied entries. */
  readonly snapshotEvery?: number;
  /** Entries kept behind a snapshot so briefly lagging followers avoid InstallSnapshot. */
  readonly snapshotRetain?: number;
  readonly fsync?: boolean;
  /** The data key the WAL and snapshots are sealed with (none: plaintext, as before). */
  readonly cipher?: RecordCipher;
  readonly proposalTimeoutMs?: number;
  readonly raft?: Partial<Omit<RaftConfig, 'id' | 'random'>>;
}

export interface HostStatus {
  readonly id: NodeId;
  readonly role: string;
  readonly term: number;
  readonly leader: NodeId | null;
  readonly commit: number;
  readonly applied: number;
}

/**
 * Figures the host reports as it works, for whoever keeps metrics (the manager);
 * the library itself keeps none. Calls are synchronous and must not throw.
 */
export interface RaftHostObserver {
  /** A proposal made here was applied here (`ok`) or failed (`error`), `seconds` after the call. */
  proposal?(seconds: number, outcome: 'ok' | 'error'): void;
  /** One fdatasync of the WAL, in seconds. */
  walSync?(seconds: number): void;
}

interface Waiter {
  resolve(v: { index: number; result: unknown }): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The driver around the pure core: a tick timer, the disk (fsync before any
 * vote or ack leaves), the transport, and the state machine. One Ready at a
 * time; its fdatasync runs off the event loop, and messages and proposals that
 * arrive meanwhile are stepped into the core, so the next Ready writes and
 * syncs them together: that is what batches writes under load.
 *
 * Proposals are wrapped in an envelope carrying a host-unique id so the
 * member that accepted a proposal (leader or follower) can resolve the
 * caller's promise when the entry applies locally.
 */
export class RaftHost {
  private readonly node: RaftNode;
  private readonly storage: DiskStorage;
  private readonly sm: StateMachine;
  private readonly transport: Transport;
  private readonly inbox: Message[] = [];
  private readonly waiters = new Map<string, Waiter>();
  private readonly reads = new Map<string, Waiter>();
  /** Log index -> proposal id, for proposals this member appended as leader. */
  private readonly slots = new Map<number, string>();
  private readyReads: { index: number; context: string }[] = [];
  private readonly bootId = randomBytes(6).toString('hex');
  private seq = 0;
  private applied = 0;
  private lastSnapshot = 0;
  private scheduled = false;
  /** Committed entries handed out by the core, not yet applied here (from `toApplyHead` on). */
  private toApply: Entry[] = [];
  private toApplyHead = 0;
  private applyScheduled = false;
  /** When each entry of `toApply` was handed out (performance.now()): how long the oldest waits. */
  private toApplyAt: number[] = [];
  /** The fdatasync in flight for the Ready being handled; no further Ready is taken until it settles. */
  private syncing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly tickMs: number;
  private readonly snapshotEvery: number;
  private readonly retain: number;
  private readonly timeoutMs: number;
  /** Called after each applied conf change (with the membership after it). */
  onMembership: ((cc: ConfChange) => void) | null = null;
  /** Set by the manager to time proposals and WAL syncs; null costs nothing. */
  observer: RaftHostObserver | null = null;
  /** Size of the newest snapshot this member holds (taken, received or loaded at start). */
  private snapshotSize = 0;

  constructor(private readonly opts: RaftHostOptions) {
    this.sm = opts.stateMachine;
    this.transport = opts.transport;
    this.tickMs = opts.tickMs ?? 50;
    this.snapshotEvery = opts.snapshotEvery ?? 10_000;
    this.retain = opts.snapshotRetain ?? 1_000;
    this.timeoutMs = opts.proposalTimeoutMs ?? 5_000;
    this.storage = new DiskStorage(opts.dir, { fsync: opts.fsync ?? true, cipher: opts.cipher, onSync: (s) => this.observer?.walSync?.(s) });
    let init = this.storage.initialState();
    const fresh = init.hardState.term === 0 && init.entries.length === 0 && init.snapshot === null;
    if (fresh && opts.bootstrap) {
      init = bootstrapState(Object.keys(opts.bootstrap).sort());
      this.storage.saveReady({ hardState: init.hardState, entries: init.entries, snapshot: null, committedEntries: [], messages: [], readStates: [], mustSync: true });
    }
    for (const [id, addr] of Object.entries({ ...opts.bootstrap, ...opts.peers })) if (id !== opts.id) this.transport.setPeer(id, addr);
    if (init.snapshot) {
      this.sm.restore(init.snapshot.data);
      this.applied = init.snapshot.meta.index;
      this.lastSnapshot = this.applied;
      this.snapshotSize = init.snapshot.data.byteLength;
    }
    this.node = new RaftNode({ ...opts.raft, id: opts.id, random: new SeededRandom(randomInt(2 ** 31)) }, init);
    // Addresses of members added after the founding set live in the conf entries.
    for (const e of init.entries) if (e.type === 'conf') this.learnAddress(decodeConfChange(e.data));
    this.transport.onMessage((m) => {
      this.inbox.push(m);
      this.schedule();
    });
    this.transport.onPeerLost?.((id) => {
      if (this.stopped) return;
      this.node.peerUnreachable(id);
      this.schedule();
    });
  }

  start(): void {
    this.timer = setInterval(() => {
      this.node.tick();
      this.schedule();
    }, this.tickMs);
    this.schedule();
  }

  /** Resolves once `data` is committed and applied here, with its index and the state machine's result. */
  propose(data: Payload): Promise<{ index: number; result: unknown }> {
    const obs = this.observer?.proposal;
    if (!obs) return this.proposeUntimed(data);
    const t0 = performance.now();
    return this.proposeUntimed(data).then(
      (r) => (obs((performance.now() - t0) / 1000, 'ok'), r),
      (e: unknown) => {
        obs((performance.now() - t0) / 1000, 'error');
        throw e;
      },
    );
  }

  private proposeUntimed(data: Payload): Promise<{ index: number; result: unknown }> {
    if (this.stopped) return Promise.reject(new RaftError('closed', 'raft host stopped'));
    const id = `${this.bootId}.${++this.seq}`;
    return new Promise((resolve, reject) => {
      let at: { index: number } | null;
      try {
        at = this.node.propose(wrap(id, data));
      } catch (e) {
        reject(e instanceof ProposalDroppedError ? new RaftError('not_leader', e.message) : e);
        return;
      }
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new RaftError('timeout', `proposal not applied within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiters.set(id, { resolve, reject, timer });
      // On the leader we know the slot: if another entry commits there, ours is lost for sure.
      if (at) this.slots.set(at.index, id);
      this.schedule();
    });
  }

  /** Linearizable read barrier (ReadIndex): resolves when local state reflects every write acknowledged before the call. */
  readBarrier(): Promise<void> {
    const ctx = `${this.bootId}.r${++this.seq}`;
    return new Promise((resolve, reject) => {
      try {
        this.node.readIndex(ctx);
      } catch (e) {
        reject(e instanceof ProposalDroppedError ? new RaftError('not_leader', e.message) : e);
        return;
      }
      const timer = setTimeout(() => {
        this.reads.delete(ctx);
        reject(new RaftError('timeout', `read not confirmed within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.reads.set(ctx, { resolve: () => resolve(), reject, timer });
      this.schedule();
    });
  }

  /** One membership change at a time; `address` travels in the log so every member learns it. */
  changeMembership(cc: ConfChange): Promise<{ index: number; result: unknown }> {
    const pos = this.node.proposeConfChange(cc);
    this.schedule();
    if (!pos) return Promise.reject(new RaftError('not_leader', 'membership changes go to the leader'));
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        if (this.applied >= pos.index) {
          clearInterval(poll);
          resolve({ index: pos.index, result: null });
        } else if (Date.now() - t0 > this.timeoutMs) {
          clearInterval(poll);
          reject(new RaftError('timeout', 'membership change not applied in time'));
        }
      }, this.tickMs);
    });
  }

  transferLeadership(to: NodeId): void {
    this.node.transferLeader(to);
    this.schedule();
  }

  /** Voters and learners after the last appended conf change. */
  membership(): { voters: readonly NodeId[]; learners: readonly NodeId[] } {
    return this.node.status().conf;
  }

  /** On the leader: how far a member's log matches ours, and whether it answered recently; undefined elsewhere. */
  peerProgress(id: NodeId): { match: number; active: boolean } | undefined {
    if (this.node.role !== 'leader') return undefined;
    const p = this.node.progress(id);
    return p ? { match: p.match, active: p.recentActive } : undefined;
  }

  /** Bytes of the newest snapshot this member holds, 0 before the first. */
  snapshotBytes(): number {
    return this.snapshotSize;
  }

  isLeader(): boolean {
    return this.node.role === 'leader';
  }

  status(): HostStatus {
    const s = this.node.status();
    return { id: s.id, role: s.role, term: s.term, leader: s.lead, commit: s.commit, applied: this.applied };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of [...this.waiters.values(), ...this.reads.values()]) {
      clearTimeout(w.timer);
      w.reject(new RaftError('closed', 'raft host stopped'));
    }
    this.waiters.clear();
    this.reads.clear();
    this.slots.clear();
    this.toApply = [];
    this.toApplyAt = [];
    this.toApplyHead = 0;
    await this.transport.close();
    // The fd stays open until the sync under way settles (closing it under the threadpool's feet could sync another file).
    await this.syncing?.catch(() => undefined);
    this.storage.close();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    if (this.stopped) return;
    // Messages are stepped even while the disk works: the next Ready then carries all of them.
    for (const m of this.inbox.splice(0)) this.node.step(m);
    if (this.syncing) return;
    const t0 = performance.now();
    while (this.node.hasReady()) {
      if (!this.handle(this.node.ready())) return;
      // A long backlog (a follower catching up, a burst of large commits) goes in slices: the
      // sockets and timers get their turn between them, so heartbeats and votes are never starved.
      if (this.node.hasReady() && performance.now() - t0 > RUN_SLICE_MS) {
        this.schedule();
        return;
      }
    }
  }

  /** True when the Ready is finished; false when its fsync is under way and `finish` will follow it. */
  private handle(rd: Ready): boolean {
    // Appends and heartbeats go out while we write (the leader only counts
    // itself once durable); votes and acks wait: they are promises about the disk.
    const early = rd.messages.filter(canSendBeforePersist);
    if (early.length > 0) this.transport.send(early);
    // Committed entries are already durable on a majority, and the state
    // machine lives in memory (rebuilt from disk after a crash), so they are
    // applied, and their callers answered, without waiting for this fsync.
    if (rd.snapshot) {
      // What was committed before the snapshot is applied first: its callers are answered.
      this.applyQueued(Infinity);
      this.sm.restore(rd.snapshot.data);
      this.applied = rd.snapshot.meta.index;
      this.lastSnapshot = this.applied;
      this.snapshotSize = rd.snapshot.data.byteLength;
      this.forgetSlotsUpTo(this.applied);
    }
    if (rd.committedEntries.length > 0) {
      const at = performance.now();
      for (const e of rd.committedEntries) {
        this.toApply.push(e);
        this.toApplyAt.push(at);
      }
      // A slice now unless one is already waiting for its turn (this turn had its share).
      if (!this.applyScheduled) this.applyQueued(this.sliceBudget());
    }
    if (this.storage.writeReady(rd)) {
      // The fsync runs in the threadpool while this loop serves sockets, timers and the API.
      // Meanwhile proposals and messages pile up in the core, so the next Ready's single
      // fsync covers all of them (group commit). Votes and acks for this Ready, and the
      // leader counting itself, wait for the sync: nothing acknowledged can be lost.
      const sync = this.storage.sync();
      this.syncing = sync;
      sync.then(
        () => {
          this.syncing = null;
          if (this.stopped) return;
          this.finish(rd);
          this.schedule();
        },
        (e: unknown) => {
          // A failed fdatasync leaves the written pages' fate unknown (and Linux may
          // forget the error): going on could acknowledge lost data, so the process stops.
          setImmediate(() => {
            throw e;
          });
        },
      );
      return false;
    }
    this.finish(rd);
    return true;
  }

  /** Steps 2, 4 and 5 of the Ready contract, once the Ready is durable. */
  private finish(rd: Ready): void {
    const late = rd.messages.filter((m) => !canSendBeforePersist(m));
    if (late.length > 0) this.transport.send(late);
    for (const rs of rd.readStates) this.readyReads.push(rs);
    this.node.advance();
    this.serveReads();
    this.maybeSnapshot();
  }

  /**
   * Applies queued committed entries, in order, for about `budgetMs`; what is left goes in a later
   * turn. Reads waiting for an index are served as it is reached, and a due snapshot is taken once
   * everything handed out is applied.
   */
  private applyQueued(budgetMs: number): void {
    const t0 = performance.now();
    while (this.toApplyHead < this.toApply.length) {
      this.apply(this.toApply[this.toApplyHead++]);
      if (performance.now() - t0 > budgetMs) break;
    }
    if (this.toApplyHead >= this.toApply.length) {
      this.toApply = [];
      this.toApplyAt = [];
      this.toApplyHead = 0;
    } else if (!this.applyScheduled) {
      this.applyScheduled = true;
      setImmediate(() => {
        this.applyScheduled = false;
        if (!this.stopped) this.applyQueued(this.sliceBudget());
      });
    }
    this.serveReads();
    if (this.toApply.length === 0) this.maybeSnapshot();
  }

  /** This slice's budget: the base, or more when the backlog is old, within the turn's (TurnShares). */
  private sliceBudget(): number {
    const now = performance.now();
    const oldest = this.toApplyAt[this.toApplyHead];
    const waited = oldest === undefined ? 0 : now - oldest;
    return turnShares.slice('apply', pressureBudget(APPLY_SLICE_MS, waited), now, waited);
  }

  private apply(e: Entry): void {
    this.applied = e.index;
    if (e.type === 'conf') {
      const cc = decodeConfChange(e.data);
      this.learnAddress(cc);
      this.onMembership?.(cc);
      return;
    }
    const un = unwrap(e.data);
    const slot = this.slots.get(e.index);
    if (slot !== undefined) {
      this.slots.delete(e.index);
      const w = this.waiters.get(slot);
      if (w && slot !== un?.id) {
        this.waiters.delete(slot);
        clearTimeout(w.timer);
        w.reject(new RaftError('not_leader', 'leadership changed and the proposal was overwritten; retry'));
      }
    }
    if (!un) return;
    const result = this.sm.apply(e.index, un.data);
    const w = this.waiters.get(un.id);
    if (w) {
      this.waiters.delete(un.id);
      clearTimeout(w.timer);
      w.resolve({ index: e.index, result });
    }
  }

  /** Proposals whose slot a leader's snapshot jumped over: they may or may not be in it. */
  private forgetSlotsUpTo(index: number): void {
    for (const [i, id] of this.slots) {
      if (i > index) continue;
      this.slots.delete(i);
      const w = this.waiters.get(id);
      if (!w) continue;
      this.waiters.delete(id);
      clearTimeout(w.timer);
      w.reject(new RaftError('timeout', 'outcome unknown: state replaced by a snapshot from the leader; retry with the same request id'));
    }
  }

  private learnAddress(cc: ConfChange): void {
    if (cc.node === this.opts.id) return;
    if (cc.type === 'remove') this.transport.removePeer(cc.node);
    else if (cc.context) this.transport.setPeer(cc.node, cc.context);
  }

  private serveReads(): void {
    if (this.readyReads.length === 0) return;
    const still: { index: number; context: string }[] = [];
    for (const rs of this.readyReads) {
      if (rs.index > this.applied) {
        still.push(rs);
        continue;
      }
      const w = this.reads.get(rs.context);
      if (!w) continue;
      this.reads.delete(rs.context);
      clearTimeout(w.timer);
      w.resolve({ index: rs.index, result: null });
    }
    this.readyReads = still;
  }

  private maybeSnapshot(): void {
    if (this.toApply.length > 0) return;
    if (this.applied - this.lastSnapshot < this.snapshotEvery || this.node.log.pendingSnapshot) return;
    if (this.node.log.applied !== this.applied) return;
    const snap = this.node.compact(this.applied, this.sm.snapshot(), this.retain);
    this.storage.saveSnapshot(snap);
    this.lastSnapshot = this.applied;
    this.snapshotSize = snap.data.byteLength;
  }
}
