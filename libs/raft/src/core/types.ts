/**
 * The values the Raft core reasons about. Everything here is plain data so a
 * state can be cloned, compared and encoded by the storage and transport rings
 * without knowing the core.
 */

/** A member's id. Strings so a manager can use its node id directly. */
export type NodeId = string;

/** Opaque entry payload; the core never looks inside a normal entry. */
export type Payload = Uint8Array | string;

/**
 * `normal` carries client data (an empty string is the no-op a new leader
 * appends); `conf` carries a JSON-encoded {@link ConfChange}.
 */
export type EntryType = 'normal' | 'conf';

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  readonly data: Payload;
}

/** What must survive a crash before the node answers anyone (Figure 2, "Persistent state"). */
export interface HardState {
  readonly term: number;
  /** Who this node voted for in `term`, or null. */
  readonly vote: NodeId | null;
  /** Not required for safety, but saves re-deriving it from peers after a restart. */
  readonly commit: number;
}

export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/**
 * One membership change at a time (Ongaro's thesis §4.1). `context` travels
 * with the change so the host can learn a new member's address from the log.
 */
export interface ConfChange {
  readonly type: 'addVoter' | 'addLearner' | 'remove';
  readonly node: NodeId;
  readonly context?: string;
}

export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly conf: ConfState;
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  /** The state machine's image at `meta.index`, opaque to the core. */
  readonly data: Uint8Array;
}

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: null, commit: 0 });

export function payloadSize(p: Payload): number {
  // UTF-16 length is a fair proxy for the wire size; it only bounds batches.
  return typeof p === 'string' ? p.length : p.byteLength;
}

export function entrySize(e: Entry): number {
  return payloadSize(e.data) + 24;
}

export function encodeConfChange(cc: ConfChange): string {
  return JSON.stringify(cc);
}

export function decodeConfChange(p: Payload): ConfChange {
  const text = typeof p === 'string' ? p : new TextDecoder().decode(p);
  return JSON.parse(text) as ConfChange;
}
