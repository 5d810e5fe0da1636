import type { RaftConfig } from './config';
import type { Message } from './messages';
import { RaftNode, bootstrapState } from './raft-node';
import { SeededRandom } from './rand';
import type { ReadState } from './read-only';
import type { Entry, NodeId, Snapshot } from './types';

/**
 * A synchronous, lossless-unless-told network of cores for unit tests (in the
 * spirit of etcd-io/raft's `network` in raft_test.go): `stabilize()` runs
 * Ready/advance rounds and delivers messages until nothing moves.
 */
export class TestNetwork {
  readonly nodes = new Map<NodeId, RaftNode>();
  readonly applied = new Map<NodeId, Entry[]>();
  /** Links cut, as "from->to". */
  readonly cut = new Set<string>();
  /** Every message delivered, for RPC-count assertions. */
  readonly delivered: Message[] = [];
  /** Messages that passed a filter returning false are dropped. */
  filter: ((m: Message) => boolean) | null = null;
  /** Read states and snapshots each member was handed. */
  readonly reads = new Map<NodeId, ReadState[]>();
  readonly snapshots = new Map<NodeId, Snapshot[]>();

  constructor(
    readonly ids: readonly NodeId[],
    cfg: Partial<RaftConfig> = {},
    seed = 1,
  ) {
    const rnd = new SeededRandom(seed);
    for (const id of ids) {
      this.nodes.set(id, new RaftNode({ id, random: rnd, ...cfg }, bootstrapState(ids)));
      this.applied.set(id, []);
    }
  }

  add(id: NodeId, node: RaftNode): void {
    this.nodes.set(id, node);
    this.applied.set(id, []);
    (this.ids as NodeId[]).push(id);
  }

  node(id: NodeId): RaftNode {
    return this.nodes.get(id) as RaftNode;
  }

  isolate(id: NodeId): void {
    for (const o of this.ids) {
      if (o === id) continue;
      this.cut.add(`${id}->${o}`);
      this.cut.add(`${o}->${id}`);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  /** Runs Ready rounds and delivers messages until quiet; returns the number of messages delivered. */
  stabilize(maxRounds = 10_000): number {
    let n = 0;
    for (let round = 0; round < maxRounds; round++) {
      const out: Message[] = [];
      for (const [id, node] of this.nodes) {
        while (node.hasReady()) {
          const rd = node.ready();
          const sink = this.applied.get(id) as Entry[];
          for (const e of rd.committedEntries) sink.push(e);
          if (rd.readStates.length > 0) this.reads.set(id, [...(this.reads.get(id) ?? []), ...rd.readStates]);
          if (rd.snapshot) this.snapshots.set(id, [...(this.snapshots.get(id) ?? []), rd.snapshot]);
          out.push(...rd.messages);
          node.advance();
        }
      }
      if (out.length === 0) return n;
      for (const m of out) {
        if (this.cut.has(`${m.from}->${m.to}`)) continue;
        if (this.filter && !this.filter(m)) continue;
        const to = this.nodes.get(m.to);
        if (!to) continue;
        this.delivered.push(m);
        n++;
        to.step(m);
      }
    }
    throw new Error('network did not stabilize');
  }

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) this.node(id).tick();
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) for (const n of this.nodes.values()) n.tick();
  }

  elect(id: NodeId): void {
    this.node(id).campaign();
    this.stabilize();
  }

  leader(): RaftNode | null {
    for (const n of this.nodes.values()) if (n.role === 'leader') return n;
    return null;
  }

  /** Normal, non-empty payloads each member applied, in order. */
  appliedData(id: NodeId): string[] {
    return (this.applied.get(id) as Entry[]).filter((e) => e.type === 'normal' && e.data !== '').map((e) => String(e.data));
  }
}
