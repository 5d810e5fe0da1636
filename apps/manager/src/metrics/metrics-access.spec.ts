import { describe, expect, it } from 'vitest';
import type { Request, Response } from 'express';
import { remoteAccessMiddleware } from '../api/remote-access.middleware';
import { leaderProxyMiddleware } from '../api/leader-proxy.middleware';

/** Runs a middleware on a bare request; 200 when it passes the request on, else the status it answered. */
function run(mw: (req: Request, res: Response, next: () => void) => void, path: string, addr = '127.0.0.1'): number {
  let status = 0;
  const res = {
    status: (s: number) => ((status = s), res),
    setHeader: () => res,
    end: () => res,
    json: () => res,
    send: () => res,
    get headersSent() {
      return false;
    },
  } as unknown as Response;
  mw({ socket: { remoteAddress: addr }, path, headers: {} } as unknown as Request, res, () => (status = 200));
  return status;
}

describe('who answers /metrics', () => {
  // A follower that knows no leader: whatever it would pass on is refused with 503 instead.
  const follower = leaderProxyMiddleware({ isWritable: () => false, leaderId: () => null, addressOf: () => undefined }, 'self', () => 'key');

  it.each([
    ['/metrics', 200],
    ['/v1.41/metrics', 200],
    ['/services', 503],
  ])('a follower answers %s itself: %i', (path, want) => expect(run(follower, path)).toBe(want));

  it.each([
    ['127.0.0.1', false, 200],
    ['10.0.0.5', false, 403],
    ['10.0.0.5', true, 200],
  ])('from %s (--api-remote: %s): %i, as the API', (addr, allow, want) => expect(run(remoteAccessMiddleware(allow), '/metrics', addr)).toBe(want));
});
