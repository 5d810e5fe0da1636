import { RaftError } from './errors';
import type { RandomSource } from './rand';
import type { ConfState, Entry, HardState, NodeId, Snapshot } from './types';

export interface RaftConfig {
  readonly id: NodeId;
  /** Ticks without hearing from a leader before campaigning; randomised in [n, 2n). */
  readonly electionTick: number;
  /**
   * Ticks before campaigning once the connection to the leader is lost (its process died),
   * randomised in [n, 2n); 0: a lost leader waits out the randomized election timeout like a silent one.
   */
  readonly lostLeaderTick: number;
  /** Ticks between a leader's heartbeats; must be well below electionTick. */
  readonly heartbeatTick: number;
  /** Seeded source for election timeouts (never Math.random inside the core). */
  readonly random: RandomSource;
  /** Thesis §9.6: a node must win a pre-vote before bumping its term. */
  readonly preVote: boolean;
  /** Thesis §6.2: a leader steps down without a live majority; followers ignore votes while a leader is live. */
  readonly checkQuorum: boolean;
  /** Upper bound of one append's payload, in bytes (batching). */
  readonly maxSizePerMsg: number;
  /** Bounded pipelining window per follower: messages and bytes (0 = no byte bound). */
  readonly maxInflightMsgs: number;
  readonly maxInflightBytes: number;
  /** Bytes per InstallSnapshot chunk. */
  readonly snapshotChunkBytes: number;
  /** Committed entries handed out per Ready at most. */
  readonly maxCommittedPerReady: number;
  /** Bytes of committed entries handed out per Ready at most (at least one entry always goes). */
  readonly maxCommittedBytesPerReady: number;
}

export const DEFAULT_CONFIG: Omit<RaftConfig, 'id' | 'random'> = Object.freeze({
  electionTick: 10,
  heartbeatTick: 1,
  lostLeaderTick: 0,
  preVote: true,
  checkQuorum: true,
  maxSizePerMsg: 1024 * 1024,
  maxInflightMsgs: 256,
  maxInflightBytes: 0,
  snapshotChunkBytes: 256 * 1024,
  maxCommittedPerReady: 4096,
  maxCommittedBytesPerReady: 4 * 1024 * 1024,
});

/** What a member starts from: empty for a fresh node, or what storage recovered. */
export interface InitialState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  /** Entries after the snapshot, in order. */
  readonly entries: readonly Entry[];
  /** Membership when there is no snapshot and no conf entry yet (a fresh joiner: empty). */
  readonly conf?: ConfState;
}

export function validateConfig(c: RaftConfig): void {
  if (!c.id) throw new RaftError('invalid_config', 'id must be set');
  if (c.heartbeatTick <= 0) throw new RaftError('invalid_config', 'heartbeatTick must be > 0');
  if (c.electionTick <= c.heartbeatTick) throw new RaftError('invalid_config', 'electionTick must be > heartbeatTick');
  if (c.maxInflightMsgs <= 0) throw new RaftError('invalid_config', 'maxInflightMsgs must be > 0');
  if (c.snapshotChunkBytes <= 0) throw new RaftError('invalid_config', 'snapshotChunkBytes must be > 0');
}
