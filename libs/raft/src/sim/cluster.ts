import type { RaftConfig } from '../core/config';
import type { Message } from '../core/messages';
import { canSendBeforePersist } from '../core/messages';
import { RaftNode, bootstrapState } from '../core/raft-node';
import { SeededRandom } from '../core/rand';
import type { Ready } from '../core/ready';
import type { Entry, NodeId } from '../core/types';
import { EventQueue } from './event-queue';
import { KvStateMachine, decodeKv } from './kv';
import type { KvCommand } from './kv';
import { SafetyChecker } from './safety';
import type { Disk, SimNode } from './sim-node';

export interface FaultConfig {
  dropRate: number;
  dupRate: number;
  minDelay: number;
  maxDelay: number;
  /** Latency of one persist (write + fsync), ms. */
  diskDelay: number;
  /** On a crash with a write in flight, persist a random prefix of it (a torn write). */
  tornWrites: boolean;
}

export const TICK_MS = 10;

/**
 * A deterministic whole cluster: cores, simulated disks that lose what was not
 * fsynced, and a network that drops, duplicates, delays and reorders messages
 * and can be partitioned (both ways or one way). Everything runs on one event
 * queue driven by one seed; the safety checker looks at every step.
 */
export class SimCluster {
  readonly q = new EventQueue();
  readonly rnd: SeededRandom;
  readonly nodes = new Map<NodeId, SimNode>();
  readonly blocked = new Set<string>();
  readonly safety = new SafetyChecker();
  readonly trace: string[] | null;
  messagesSent = 0;
  /** Apply listeners (the client workload hooks in here). */
  onApply: ((node: SimNode, cmd: KvCommand, index: number) => void) | null = null;

  constructor(
    readonly ids: readonly NodeId[],
    readonly faults: FaultConfig,
    seed: number,
    readonly raftConfig: Partial<RaftConfig> = {},
    readonly snapshotEvery = 0,
    trace = false,
  ) {
    this.rnd = new SeededRandom(seed);
    this.trace = trace ? [] : null;
    const boot = bootstrapState(ids);
    for (const id of ids) {
      const disk: Disk = { hard: boot.hardState, snapshot: null, entries: [...boot.entries] };
      const node: SimNode = {
        id,
        up: true,
        epoch: 0,
        raft: this.makeRaft(id, disk),
        kv: new KvStateMachine(),
        disk,
        inflight: null,
        waiters: new Map(),
        reads: new Map(),
        readyReads: [],
        lastApplied: 0,
      };
      this.nodes.set(id, node);
      this.scheduleTick(node, this.rnd.int(TICK_MS));
    }
  }

  private makeRaft(id: NodeId, disk: Disk): RaftNode {
    return new RaftNode(
      { electionTick: 10, heartbeatTick: 1, ...this.raftConfig, id, random: new SeededRandom(this.rnd.int(2 ** 31)) },
      { hardState: disk.hard, snapshot: disk.snapshot, entries: disk.entries },
    );
  }

  log(line: string): void {
    if (this.trace) this.trace.push(`${this.q.now.toString().padStart(6)} ${line}`);
  }

  node(id: NodeId): SimNode {
    return this.nodes.get(id) as SimNode;
  }

  leader(): SimNode | null {
    let best: SimNode | null = null;
    for (const n of this.nodes.values()) {
      if (n.up && n.raft.role === 'leader' && (!best || n.raft.term > best.raft.term)) best = n;
    }
    return best;
  }

  private scheduleTick(n: SimNode, delay: number): void {
    const epoch = n.epoch;
    this.q.after(delay, () => {
      if (!n.up || n.epoch !== epoch) return;
      n.raft.tick();
      this.afterInput(n);
      this.scheduleTick(n, TICK_MS);
    });
  }

  /** Call after anything that may have produced work for the node. */
  afterInput(n: SimNode): void {
    this.safety.observe(n);
    this.kick(n);
  }

  private kick(n: SimNode): void {
    if (!n.up || n.inflight || !n.raft.hasReady()) return;
    const rd = n.raft.ready();
    n.inflight = rd;
    for (const m of rd.messages) if (canSendBeforePersist(m)) this.send(m);
    // As the host does: committed entries are applied before this Ready's write completes.
    if (rd.snapshot) {
      n.kv.restore(rd.snapshot.data);
      n.kv.appliedIndex = rd.snapshot.meta.index;
      n.lastApplied = rd.snapshot.meta.index;
      this.log(`${n.id} applied snapshot @${rd.snapshot.meta.index}`);
    }
    for (const e of rd.committedEntries) this.applyEntry(n, e);
    const epoch = n.epoch;
    const delay = rd.mustSync ? this.faults.diskDelay : 0;
    this.q.after(delay, () => {
      if (n.epoch !== epoch) return;
      this.finishReady(n, rd);
    });
  }

  private persist(n: SimNode, rd: Ready, entryCount: number, withHard: boolean): void {
    const d = n.disk;
    if (rd.snapshot) {
      d.snapshot = rd.snapshot;
      d.entries = [];
    }
    // The WAL writes hard state before the entries of the same batch, so a
    // torn batch never leaves entries of a term the node has not recorded.
    if (withHard && rd.hardState) d.hard = rd.hardState;
    const ents = rd.entries.slice(0, entryCount);
    if (ents.length > 0) {
      const first = ents[0].index;
      const base = d.entries.length > 0 ? d.entries[0].index : first;
      if (first < base) d.entries = [];
      else d.entries.length = Math.min(d.entries.length, first - base);
      d.entries.push(...ents);
    }
  }

  private finishReady(n: SimNode, rd: Ready): void {
    this.persist(n, rd, rd.entries.length, true);
    for (const m of rd.messages) if (!canSendBeforePersist(m)) this.send(m);
    for (const rs of rd.readStates) n.readyReads.push(rs);
    n.inflight = null;
    n.raft.advance();
    this.serveReads(n);
    this.maybeCompact(n);
    this.afterInput(n);
  }

  private applyEntry(n: SimNode, e: Entry): void {
    if (e.index !== n.lastApplied + 1) this.safety.fail(`${n.id} applied ${e.index} after ${n.lastApplied}`);
    n.lastApplied = e.index;
    this.safety.applied(n.id, e);
    const cmd = e.type === 'normal' ? decodeKv(e.data) : null;
    if (!cmd) {
      n.kv.skip(e.index);
      return;
    }
    n.kv.apply(e.index, cmd);
    const key = `${cmd.client}:${cmd.seq}`;
    const w = n.waiters.get(key);
    if (w) {
      n.waiters.delete(key);
      w();
    }
    this.onApply?.(n, cmd, e.index);
  }

  private serveReads(n: SimNode): void {
    if (n.readyReads.length === 0) return;
    const still: { index: number; context: string }[] = [];
    for (const rs of n.readyReads) {
      if (rs.index > n.kv.appliedIndex) {
        still.push(rs);
        continue;
      }
      const cb = n.reads.get(rs.context);
      if (cb) {
        n.reads.delete(rs.context);
        cb(rs.index);
      }
    }
    n.readyReads = still;
  }

  private maybeCompact(n: SimNode): void {
    if (this.snapshotEvery <= 0) return;
    const applied = n.raft.log.applied;
    const last = n.disk.snapshot?.meta.index ?? 0;
    if (applied - last < this.snapshotEvery || n.kv.appliedIndex !== applied || n.raft.log.pendingSnapshot) return;
    const snap = n.raft.compact(applied, n.kv.snapshot(), 3);
    n.disk.snapshot = snap;
    n.disk.entries = n.disk.entries.filter((e) => e.index > snap.meta.index);
    this.log(`${n.id} compacted @${applied}`);
  }

  send(m: Message): void {
    this.messagesSent++;
    const from = this.nodes.get(m.from);
    if (!from?.up || this.blocked.has(`${m.from}->${m.to}`)) return;
    if (this.rnd.chance(this.faults.dropRate)) return;
    const copies = this.rnd.chance(this.faults.dupRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.faults.minDelay + this.rnd.int(this.faults.maxDelay - this.faults.minDelay + 1);
      this.q.after(delay, () => this.deliver(m));
    }
  }

  private deliver(m: Message): void {
    const to = this.nodes.get(m.to);
    if (!to || !to.up || this.blocked.has(`${m.from}->${m.to}`)) return;
    if (this.trace && m.type !== 'heartbeat' && m.type !== 'heartbeatResp') {
      this.log(`${m.from}->${m.to} ${m.type} t${m.term}${'index' in m ? ` i${m.index}` : ''}${'entries' in m ? ` n${m.entries.length}` : ''}${'reject' in m && m.reject ? ' reject' : ''}`);
    }
    to.raft.step(m);
    this.afterInput(to);
  }

  crash(id: NodeId): void {
    const n = this.node(id);
    if (!n.up) return;
    const rd = n.inflight;
    if (rd && this.faults.tornWrites && this.rnd.chance(0.5)) {
      // The last write tears: part of it reached the disk, nothing was acknowledged.
      const k = this.rnd.int(rd.entries.length + 1);
      this.persist(n, rd, k, this.rnd.chance(0.5));
      this.log(`${id} crash (torn: ${k}/${rd.entries.length} entries kept)`);
    } else this.log(`${id} crash`);
    n.up = false;
    n.epoch++;
    n.inflight = null;
    n.waiters.clear();
    n.reads.clear();
    n.readyReads = [];
    // A real transport sees the dead peer's connections close; some survivors notice, some do not.
    this.hintUnreachable(id, [...this.nodes.keys()].filter((o) => o !== id));
  }

  /** The driver's "connection to `id` lost" hint, delivered to some of `to` at random (as a transport might). */
  private hintUnreachable(id: NodeId, to: readonly NodeId[]): void {
    for (const o of to) {
      const on = this.nodes.get(o);
      if (!on?.up || !this.rnd.chance(0.5)) continue;
      on.raft.peerUnreachable(id);
      this.afterInput(on);
    }
  }

  restart(id: NodeId): void {
    const n = this.node(id);
    if (n.up) return;
    n.up = true;
    n.raft = this.makeRaft(id, n.disk);
    n.kv = new KvStateMachine();
    if (n.disk.snapshot) n.kv.restore(n.disk.snapshot.data);
    n.kv.appliedIndex = n.disk.snapshot?.meta.index ?? 0;
    n.lastApplied = n.kv.appliedIndex;
    this.safety.restarted(id);
    this.log(`${id} restart (term ${n.disk.hard.term}, ${n.disk.entries.length} entries on disk)`);
    this.scheduleTick(n, this.rnd.int(TICK_MS));
    this.afterInput(n);
  }

  /** A brand-new empty member (to be added with a conf change by the leader). */
  addNode(id: NodeId): SimNode {
    const disk: Disk = { hard: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] };
    const node: SimNode = {
      id,
      up: true,
      epoch: 0,
      raft: this.makeRaft(id, disk),
      kv: new KvStateMachine(),
      disk,
      inflight: null,
      waiters: new Map(),
      reads: new Map(),
      readyReads: [],
      lastApplied: 0,
    };
    this.nodes.set(id, node);
    (this.ids as NodeId[]).push(id);
    this.scheduleTick(node, this.rnd.int(TICK_MS));
    return node;
  }

  /** Cut every link between the groups (both directions). */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.blocked.clear();
    for (const g of groups) for (const h of groups) if (g !== h) for (const a of g) for (const b of h) this.blocked.add(`${a}->${b}`);
    // Links that break may be noticed on either side (false alarms for a leader that lives on elsewhere).
    for (const g of groups) for (const h of groups) if (g !== h) for (const a of g) this.hintUnreachable(a, h);
    this.log(`partition ${groups.map((g) => g.join('')).join('|')}`);
  }

  /** Messages from `from` to `to` are lost; the other way works. */
  cutOneWay(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}->${to}`);
    this.hintUnreachable(to, [from]);
    this.log(`cut ${from}->${to}`);
  }

  heal(): void {
    this.blocked.clear();
    this.log('heal');
  }

  runFor(ms: number): void {
    this.q.runUntil(this.q.now + ms, () => this.safety.ok());
  }

  /** Run until `pred` holds or `ms` elapse; returns whether it held. */
  runUntil(pred: () => boolean, ms: number): boolean {
    const end = this.q.now + ms;
    while (this.q.now < end) {
      if (pred()) return true;
      this.q.runUntil(Math.min(end, this.q.now + TICK_MS), () => this.safety.ok());
      if (!this.safety.ok()) return false;
    }
    return pred();
  }

  /** Log matching across every pair of live members (Figure 3). */
  checkLogMatching(): void {
    const live = [...this.nodes.values()].filter((n) => n.up);
    for (let i = 0; i < live.length; i++) for (let j = i + 1; j < live.length; j++) this.safety.logMatching(live[i], live[j]);
  }
}
