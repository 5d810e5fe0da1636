import type { Message } from './messages';
import type { ReadState } from './read-only';
import type { Entry, HardState, Snapshot } from './types';

/**
 * What the driver must do, in this order (etcd-io/raft's Ready contract):
 * 1. persist `snapshot`, `entries` and `hardState`, and fsync when `mustSync`;
 * 2. send `messages` (only after step 1: votes and acks promise durability;
 *    those passing `canSendBeforePersist` — appends, heartbeats — may leave earlier);
 * 3. apply `snapshot` then `committedEntries` to the state machine;
 * 4. serve `readStates` once applied reaches their index;
 * 5. call `advance(ready)`.
 */
export interface Ready {
  readonly hardState: HardState | null;
  readonly entries: readonly Entry[];
  readonly snapshot: Snapshot | null;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly readStates: readonly ReadState[];
  readonly mustSync: boolean;
}
