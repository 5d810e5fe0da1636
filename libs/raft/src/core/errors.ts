/**
 * Typed errors of the Raft library. The host maps them to FlotillaError codes
 * (`not_leader`, `unavailable`, ...) at the edge; the core stays free of them.
 */
export type RaftErrorCode =
  | 'proposal_dropped'
  | 'not_leader'
  | 'conf_change_pending'
  | 'compacted'
  | 'unavailable'
  | 'invalid_config'
  | 'corrupt'
  | 'closed'
  | 'too_large'
  | 'timeout'
  | 'wrong_key';

export class RaftError extends Error {
  constructor(
    readonly code: RaftErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RaftError';
  }
}

/** The node cannot accept a proposal now (no leader known, transfer under way, ...). */
export class ProposalDroppedError extends RaftError {
  constructor(reason: string) {
    super('proposal_dropped', `proposal dropped: ${reason}`);
    this.name = 'ProposalDroppedError';
  }
}

/** Storage found damage it must not repair silently (not a torn tail). */
export class CorruptionError extends RaftError {
  constructor(
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super('corrupt', `raft storage corrupt in ${file} at byte ${offset}: ${detail}; refusing to start`);
    this.name = 'CorruptionError';
  }
}
