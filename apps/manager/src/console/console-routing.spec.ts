import { describe, expect, it } from 'vitest';
import type { Request, Response } from 'express';
import { leaderProxyMiddleware } from '../api/leader-proxy.middleware';
import { remoteAccessMiddleware } from '../api/remote-access.middleware';
import { engineRoute } from '../api/engine/engine-routes';

/** What a follower without a reachable leader does with a path: answer it itself (next) or refuse (503). */
function onFollower(path: string): number {
  let status = 0;
  const res = { status: (s: number) => ((status = s), res), setHeader: () => res, json: () => res, end: () => res, send: () => res } as unknown as Response;
  const dir = { isWritable: () => false, leaderId: () => null, addressOf: () => undefined };
  leaderProxyMiddleware(dir, 'self', () => null)({ path, headers: {} } as unknown as Request, res, () => (status = 200));
  return status;
}

function fromRemote(path: string, allow: boolean): number {
  let status = 0;
  const res = { status: (s: number) => ((status = s), res), setHeader: () => res, end: () => res } as unknown as Response;
  remoteAccessMiddleware(allow)({ socket: { remoteAddress: '10.0.0.5' }, path } as unknown as Request, res, () => (status = 200));
  return status;
}

describe('the console is answered by every manager, under the API\'s trust', () => {
  it.each([
    ['/ui', 200],
    ['/ui/', 200],
    ['/ui/console.mjs', 200],
    ['/ui/api/stream', 200],
    ['/ui/api/services/abc/logs', 200],
    // Not the console: passed to the leader (here: none, so refused).
    ['/uix', 503],
    ['/services', 503],
  ])('a follower with no leader: %s -> %i', (path, status) => expect(onFollower(path)).toBe(status));

  it.each([
    ['/ui/', false, 403],
    ['/ui/api/stream', false, 403],
    ['/ui/', true, 200],
  ])('another host: %s (remote allowed: %s) -> %i', (path, allow, status) => expect(fromRemote(path, allow)).toBe(status));

  it('is never passed to the local engine', () => {
    expect(engineRoute('GET', '/ui/')).toBeUndefined();
    expect(engineRoute('GET', '/ui/api/stream')).toBeUndefined();
  });
});
