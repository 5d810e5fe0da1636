/** Nest injection tokens for the ports the manager's services depend on. */
export const STATE_STORE = Symbol('STATE_STORE');
export const MANAGER_CONFIG = Symbol('MANAGER_CONFIG');
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Which nodes are managers in the Raft group (the RaftStore answers). */
export const MEMBERSHIP = Symbol('MEMBERSHIP');

export interface Membership {
  isMember(nodeId: string): boolean;
  addressOf(nodeId: string): string | undefined;
}
