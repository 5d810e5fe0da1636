import type { Entry, NodeId, Payload, SnapshotMeta } from './types';

/**
 * Messages between members. `term` 0 marks a local message (never on the wire).
 * Shapes follow etcd-io/raft's raftpb.Message, narrowed per type so the
 * compiler checks which fields each handler may read.
 */
interface Base {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

/** AppendEntries (Figure 2): entries after (index, logTerm), and the leader's commit. */
export interface AppMsg extends Base {
  readonly type: 'app';
  readonly index: number;
  readonly logTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

/**
 * Answer to `app` or a completed snapshot. On success `index` is the follower's
 * last matching index. On reject `index` echoes the probed index and
 * (`hintIndex`, `hintTerm`) tell the leader where to look next (fast backup).
 */
export interface AppRespMsg extends Base {
  readonly type: 'appResp';
  readonly index: number;
  readonly reject: boolean;
  readonly hintIndex: number;
  readonly hintTerm: number;
}

/** RequestVote, real or pre-vote (thesis §9.6). `transfer` bypasses the leader lease (§3.10). */
export interface VoteMsg extends Base {
  readonly type: 'vote' | 'preVote';
  readonly index: number;
  readonly logTerm: number;
  readonly transfer: boolean;
}

export interface VoteRespMsg extends Base {
  readonly type: 'voteResp' | 'preVoteResp';
  readonly reject: boolean;
}

/** Heartbeats carry a commit capped at the follower's match, and an optional ReadIndex context. */
export interface HeartbeatMsg extends Base {
  readonly type: 'heartbeat';
  readonly commit: number;
  readonly context: string;
}

export interface HeartbeatRespMsg extends Base {
  readonly type: 'heartbeatResp';
  readonly context: string;
}

/** One chunk of InstallSnapshot (Figure 13): bytes [offset, offset+data.length) of the image. */
export interface SnapMsg extends Base {
  readonly type: 'snap';
  readonly meta: SnapshotMeta;
  readonly offset: number;
  readonly total: number;
  readonly data: Uint8Array;
}

/** Chunk acknowledgement: the follower holds bytes [0, offset) of the snapshot at `index`. */
export interface SnapRespMsg extends Base {
  readonly type: 'snapResp';
  readonly index: number;
  readonly offset: number;
}

/** Leadership transfer: start an election now, skipping pre-vote. */
export interface TimeoutNowMsg extends Base {
  readonly type: 'timeoutNow';
}

/** A proposal forwarded by a follower to its leader. */
export interface PropMsg extends Base {
  readonly type: 'prop';
  readonly entries: readonly { readonly type: Entry['type']; readonly data: Payload }[];
}

/** ReadIndex forwarded by a follower; `context` identifies the read. */
export interface ReadIndexMsg extends Base {
  readonly type: 'readIndex';
  readonly context: string;
}

export interface ReadIndexRespMsg extends Base {
  readonly type: 'readIndexResp';
  readonly context: string;
  /** 0 when the leader could not serve it (the caller retries). */
  readonly index: number;
}

export type Message =
  | AppMsg
  | AppRespMsg
  | VoteMsg
  | VoteRespMsg
  | HeartbeatMsg
  | HeartbeatRespMsg
  | SnapMsg
  | SnapRespMsg
  | TimeoutNowMsg
  | PropMsg
  | ReadIndexMsg
  | ReadIndexRespMsg;

export type MessageType = Message['type'];

/** Messages that only a leader of `term` could have sent. */
export function isFromLeader(m: Message): boolean {
  return m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap';
}

/**
 * Messages that promise nothing about the sender's disk, so a driver may send
 * them before persisting the Ready they came in (thesis §10.2.1: the leader
 * writes its log in parallel with replicating it; it counts itself only once
 * its own write is durable). Votes and acknowledgements must wait for fsync.
 */
export function canSendBeforePersist(m: Message): boolean {
  return m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap' || m.type === 'prop' || m.type === 'readIndex' || m.type === 'readIndexResp';
}
