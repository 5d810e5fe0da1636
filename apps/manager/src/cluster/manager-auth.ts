import { createHmac } from 'node:crypto';
import { tokensEqual } from '@flotilla/contracts';

/**
 * Credentials between managers. Every manager holds the same raft key (the
 * founder derives it from the cluster's node key; a joining manager receives
 * it for a valid manager join token). It signs each Raft connection and each
 * API request a follower forwards to the leader, so neither can be forged by
 * a host that only reaches the port. It does not hide traffic: that is TLS's
 * job, which flotilla does not do yet.
 */
export function raftKeyFrom(nodeKey: string): string {
  return createHmac('sha256', nodeKey).update('flotilla raft key v1').digest('hex');
}

export const RAFT_PATH = '/flotilla/v1/raft';
export const RAFT_FROM_HEADER = 'x-flotilla-raft-from';
export const FORWARDED_HEADER = 'x-flotilla-forwarded-by';

function sign(key: string, purpose: string, id: string): string {
  return createHmac('sha256', key).update(`${purpose}:${id}`).digest('hex');
}

/** The HTTP upgrade request that opens a Raft connection on a manager's API port. */
export function raftPreamble(key: string, from: string, host: string): string {
  return (
    `GET ${RAFT_PATH} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: flotilla-raft\r\n` +
    `${RAFT_FROM_HEADER}: ${from}\r\nAuthorization: Bearer ${sign(key, 'raft', from)}\r\n\r\n`
  );
}

/** Checks a Raft upgrade's credential in constant time. */
export function raftCallerValid(key: string | null, from: string | undefined, authorization: string | undefined): boolean {
  if (!key || !from || !/^[a-z0-9]{1,64}$/.test(from)) return false;
  const presented = /^Bearer ([0-9a-f]{64})$/.exec(authorization ?? '')?.[1] ?? '0'.repeat(64);
  return tokensEqual(presented, sign(key, 'raft', from));
}

/** Header value a follower adds to a request it forwards to the leader. */
export function forwardedBy(key: string, from: string): string {
  return `${from} ${sign(key, 'forward', from)}`;
}

export function forwardedValid(key: string | null, value: string | undefined): boolean {
  const m = /^([a-z0-9]{1,64}) ([0-9a-f]{64})$/.exec(value ?? '');
  if (!key || !m) return false;
  return tokensEqual(m[2], sign(key, 'forward', m[1]));
}
