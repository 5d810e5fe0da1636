import { hostname } from 'node:os';
import { BAD_UNLOCK_KEY_MESSAGE, SWARM_LOCKED_MESSAGE, WRONG_UNLOCK_KEY_MESSAGE, parseUnlockKey } from '@flotilla/contracts';

export interface LockedRequest {
  method: string;
  /** The URL path, with or without Docker's /v1.NN prefix. */
  path: string;
  body: string;
}

export interface LockedReply {
  status: number;
  /** JSON body; a string is sent as text/plain (the /_ping answer). */
  body?: unknown;
  /** The request unlocked the manager: serve the answer, then boot. */
  unlocked?: true;
}

/**
 * What a locked manager answers, as dockerd does with a locked swarm (see
 * test/docker-cli/recorded/autolock.docker.json): /_ping and /info (so the CLI
 * can see `LocalNodeState: locked`), the unlock call, and Docker's 503 for
 * everything else. `tryUnlock` is given only well-formed keys.
 */
export function lockedReply(req: LockedRequest, nodeAddr: string, tryUnlock: (key: string) => boolean): LockedReply {
  const path = req.path.replace(/^\/v\d+\.\d+(?=\/)/, '').replace(/\?.*$/, '');
  const method = req.method.toUpperCase();
  if (path === '/_ping' && (method === 'GET' || method === 'HEAD')) return { status: 200, body: 'OK' };
  if (path === '/info' && method === 'GET') return { status: 200, body: lockedInfo(nodeAddr) };
  if (path === '/swarm/init' && method === 'POST') {
    return { status: 503, body: { message: 'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.' } };
  }
  if (path === '/swarm/unlock' && method === 'POST') {
    let key: unknown;
    try {
      key = (JSON.parse(req.body) as { UnlockKey?: unknown }).UnlockKey;
    } catch {
      key = undefined;
    }
    if (typeof key !== 'string' || !parseUnlockKey(key)) return { status: 400, body: { message: BAD_UNLOCK_KEY_MESSAGE } };
    if (!tryUnlock(key)) return { status: 401, body: { message: WRONG_UNLOCK_KEY_MESSAGE } };
    return { status: 200, unlocked: true };
  }
  return { status: 503, body: { message: SWARM_LOCKED_MESSAGE } };
}

function lockedInfo(nodeAddr: string) {
  return {
    ID: '',
    Name: hostname(),
    OperatingSystem: 'flotilla',
    OSType: 'linux',
    Swarm: { NodeID: '', NodeAddr: nodeAddr, LocalNodeState: 'locked', ControlAvailable: false, Error: SWARM_LOCKED_MESSAGE, RemoteManagers: null },
  };
}
