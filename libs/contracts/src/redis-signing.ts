import { createHmac } from 'node:crypto';
import { tokensEqual } from './join-token';

/**
 * What managers put into Redis for a node (doorbells, log requests) is signed with that node's
 * credential, so anyone else who can write to Redis cannot make a node act: the node checks the
 * signature and drops what fails. `kind` keeps a signature of one message type from passing for another.
 */
export function signForNode(nodeSecret: string, kind: 'doorbell' | 'logs', payload: string): string {
  return createHmac('sha256', nodeSecret).update(`${kind}\n${payload}`).digest('hex');
}

export function signedByCluster(nodeSecret: string, kind: 'doorbell' | 'logs', payload: string, sig: unknown): boolean {
  if (typeof sig !== 'string' || !/^[0-9a-f]{64}$/.test(sig)) return false;
  return tokensEqual(sig, signForNode(nodeSecret, kind, payload));
}

/** The signed form of a doorbell. */
export const doorbellPayload = (nodeId: string, index: number) => `${nodeId}:${index}`;

/** The signed form of a log request: every field that decides what is streamed, and when it was asked. */
export function logRequestPayload(r: { reqId: string; taskIds: string[]; follow: boolean; tail?: number; timestamps: boolean; since?: number; at: number }): string {
  return JSON.stringify([r.reqId, r.taskIds, !!r.follow, r.tail ?? null, !!r.timestamps, r.since ?? null, r.at]);
}

/** A signed log request older than this is a replay: refused. */
export const LOG_REQUEST_MAX_AGE_MS = 60_000;
