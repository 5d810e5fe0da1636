import { describe, expect, it } from 'vitest';
import type { Request, Response } from 'express';
import { isLoopback, remoteAccessMiddleware } from './remote-access.middleware';

function call(allow: boolean, addr: string, path: string): number {
  let status = 0;
  const res = { status: (s: number) => ((status = s), res), setHeader: () => res, end: () => res } as unknown as Response;
  remoteAccessMiddleware(allow)({ socket: { remoteAddress: addr }, path } as unknown as Request, res, () => (status = 200));
  return status;
}

describe('remote access to the manager API', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false],
    ['::ffff:10.0.0.5', false],
  ])('%s is loopback: %s', (a, want) => expect(isLoopback(a)).toBe(want));

  it.each([
    ['10.0.0.5', '/services', false, 403],
    ['10.0.0.5', '/v1.41/services/create', false, 403],
    ['10.0.0.5', '/flotilla/v1/stacks/x', false, 403],
    ['10.0.0.5', '/flotilla/v1/nodes/register', false, 200],
    ['10.0.0.5', '/flotilla/v1/nodes/abc/assignments', false, 200],
    ['10.0.0.5', '/_ping', false, 200],
    ['10.0.0.5', '/v1.41/services', true, 200],
    ['127.0.0.1', '/v1.41/services', false, 200],
  ])('%s %s (remote allowed: %s) -> %i', (addr, path, allow, status) => expect(call(allow, addr, path)).toBe(status));
});
