import type { RaftNode } from '../core/raft-node';
import type { Ready } from '../core/ready';
import type { Entry, HardState, NodeId, Snapshot } from '../core/types';
import type { KvStateMachine } from './kv';

/** What a simulated disk holds after fsync. Anything not here is lost in a crash. */
export interface Disk {
  hard: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

export interface SimNode {
  readonly id: NodeId;
  up: boolean;
  epoch: number;
  raft: RaftNode;
  kv: KvStateMachine;
  disk: Disk;
  inflight: Ready | null;
  /** client:seq -> callbacks waiting for that command to apply here. */
  waiters: Map<string, () => void>;
  /** ReadIndex context -> callback once the read state is known and applied. */
  reads: Map<string, (index: number) => void>;
  readyReads: { index: number; context: string }[];
  lastApplied: number;
}
