import type { Message } from '../core/messages';
import type { NodeId } from '../core/types';

/**
 * The port the host sends Raft messages through. Delivery is best effort:
 * Raft tolerates loss, duplication and reordering, so a transport may drop
 * when a peer is unreachable or its queue is full rather than block.
 */
export interface Transport {
  /** Where this member listens, for the membership record. */
  readonly address: string;
  send(messages: readonly Message[]): void;
  onMessage(handler: (m: Message) => void): void;
  setPeer(id: NodeId, address: string): void;
  removePeer(id: NodeId): void;
  /** Optional: called when a connection to a peer is lost or refused (a hint only; Raft stays correct without it). */
  onPeerLost?(handler: (id: NodeId) => void): void;
  close(): Promise<void>;
}
