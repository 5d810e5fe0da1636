import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { FlotillaError } from '@flotilla/contracts';
import { RaftError } from '@flotilla/raft';
import { StateMachine, type ApplyOutcome, type Batch, type ChangeEvent, type StateStore, type StateView } from '@flotilla/state';
import { RaftHost, type RaftHostOptions, type StateMachine as ReplicatedMachine } from '@flotilla/raft-host';

/** Docker's words when a write finds no leader; users and scripts know them. */
export const NO_LEADER =
  "The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";

export type RaftStoreOptions = Omit<RaftHostOptions, 'stateMachine'> & {
  /** Where the member address book (Raft id -> host:port) is kept across restarts. */
  readonly peersFile: string;
};

/**
 * The store every manager runs: batches go through Raft (a single manager is
 * a one-member cluster), and each member applies committed batches to its own
 * deterministic `StateMachine`. Followers' proposals are forwarded by Raft to
 * the leader and resolve here once applied here, so a caller reads its own write.
 */
export class RaftStore implements StateStore {
  private readonly log = new Logger(RaftStore.name);
  private fsm = new StateMachine();
  private readonly host: RaftHost;
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  private readonly leaderListeners = new Set<(leader: boolean) => void>();
  private wasLeader = false;
  private lastLeader: string | null = null;
  private poll?: NodeJS.Timeout;
  /** Every member's address, this one's too: the log compacts conf entries away, so it is kept on disk. */
  private readonly addrs: Map<string, string>;

  constructor(private readonly opts: RaftStoreOptions) {
    this.addrs = new Map(Object.entries({ ...readPeers(opts.peersFile), ...opts.peers, ...opts.bootstrap }));
    this.savePeers();
    const machine: ReplicatedMachine = {
      apply: (index, data) => this.applyEntry(index, data),
      snapshot: () => Buffer.from(this.fsm.serialize()),
      restore: (data) => {
        this.fsm = data.byteLength ? StateMachine.restore(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) : new StateMachine();
        // Everything may have changed: an empty event makes every loop re-read the whole view.
        this.emit({ index: this.fsm.index, changes: [] });
      },
    };
    const { peersFile: _f, ...hostOpts } = opts;
    this.host = new RaftHost({ ...hostOpts, peers: Object.fromEntries(this.addrs), stateMachine: machine });
    this.host.onMembership = (cc) => {
      if (cc.type === 'remove') this.addrs.delete(cc.node);
      else if (cc.context) this.addrs.set(cc.node, cc.context);
      this.savePeers();
    };
  }

  /** Adds addresses learnt outside the log (a join answer). */
  learnPeers(peers: Record<string, string>): void {
    for (const [id, addr] of Object.entries(peers)) {
      this.addrs.set(id, addr);
      if (id !== this.opts.id) this.opts.transport.setPeer(id, addr);
    }
    this.savePeers();
  }

  isMember(id: string): boolean {
    const m = this.host.membership();
    return m.voters.includes(id) || m.learners.includes(id);
  }

  /** Address of a member (its API; Raft shares the port). */
  addressOf(id: string): string | undefined {
    return this.addrs.get(id);
  }

  /** Current members with their addresses and whether they vote. */
  members(): { id: string; addr: string | undefined; voter: boolean }[] {
    const m = this.host.membership();
    return [...m.voters.map((id) => ({ id, voter: true })), ...m.learners.map((id) => ({ id, voter: false }))].map((x) => ({
      ...x,
      addr: this.addrs.get(x.id),
    }));
  }

  private savePeers(): void {
    const tmp = `${this.opts.peersFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.addrs)));
    renameSync(tmp, this.opts.peersFile);
  }

  start(): void {
    this.host.start();
    // The core has no callback for role changes; a poll at tick rate is cheap and enough.
    this.poll = setInterval(() => this.checkLeadership(), 50);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.poll);
    await this.host.stop();
  }

  get raft(): RaftHost {
    return this.host;
  }

  async propose(batch: Batch): Promise<number> {
    let out: { result: unknown };
    try {
      out = await this.host.propose(JSON.stringify(batch));
    } catch (e) {
      throw toFlotillaError(e);
    }
    const res = out.result as ApplyOutcome;
    if (!res.ok) throw res.error;
    return res.event.index;
  }

  view(): StateView {
    return this.fsm;
  }

  watch(listener: (e: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isWritable(): boolean {
    return this.host.isLeader();
  }

  onLeaderChange(listener: (isLeader: boolean) => void): () => void {
    this.leaderListeners.add(listener);
    return () => this.leaderListeners.delete(listener);
  }

  /** The current leader's Raft id (= its node id), as far as this member knows. */
  leaderId(): string | null {
    return this.host.status().leader;
  }

  /** Waits until this member's state includes every write acknowledged before the call. */
  async barrier(): Promise<void> {
    try {
      await this.host.readBarrier();
    } catch (e) {
      throw toFlotillaError(e);
    }
  }

  private applyEntry(index: number, data: Uint8Array | string): ApplyOutcome {
    let batch: Batch;
    try {
      batch = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8')) as Batch;
    } catch {
      // Every member sees the same bytes and skips them the same way.
      return this.fsm.apply(index, { ops: [] });
    }
    const out = this.fsm.apply(index, batch);
    if (out.ok && out.event.changes.length > 0) this.emit(out.event);
    return out;
  }

  private emit(event: ChangeEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        this.log.error({ msg: 'store listener failed', err: (e as Error).message });
      }
    }
  }

  private checkLeadership(): void {
    const s = this.host.status();
    if (s.leader !== this.lastLeader) {
      this.log.log({ msg: 'raft leader', leader: s.leader, term: s.term, self: s.id });
      this.lastLeader = s.leader;
    }
    const now = s.role === 'leader';
    if (now === this.wasLeader) return;
    this.wasLeader = now;
    for (const l of this.leaderListeners) {
      try {
        l(now);
      } catch (e) {
        this.log.error({ msg: 'leader listener failed', err: (e as Error).message });
      }
    }
  }
}

function toFlotillaError(e: unknown): Error {
  if (e instanceof FlotillaError) return e;
  if (e instanceof RaftError) {
    if (e.code === 'not_leader') return new FlotillaError('unavailable', NO_LEADER);
    if (e.code === 'timeout') return new FlotillaError('unavailable', `${NO_LEADER} (the write was not committed in time; it may still apply)`);
    if (e.code === 'closed') return new FlotillaError('unavailable', 'the manager is shutting down');
  }
  return e as Error;
}

function readPeers(file: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
