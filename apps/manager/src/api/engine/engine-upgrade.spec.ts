import { describe, expect, it } from 'vitest';
import { requestHead } from './engine-upgrade';
import { withoutHopHeaders } from './engine-proxy.middleware';

describe('requestHead', () => {
  it('replays what the client sent: request line, headers in their case and order, repeated ones kept', () => {
    const raw = ['Host', 'm:2377', 'Connection', 'Upgrade', 'Upgrade', 'tcp', 'X-A', '1', 'X-A', '2'];
    expect(requestHead('POST', '/v1.41/exec/e1/start', raw)).toBe(
      'POST /v1.41/exec/e1/start HTTP/1.1\r\nHost: m:2377\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nX-A: 1\r\nX-A: 2\r\n\r\n',
    );
  });
});

describe('withoutHopHeaders', () => {
  it("drops only what describes one hop's connection", () => {
    expect(withoutHopHeaders({ connection: 'close', 'Keep-Alive': 'timeout=5', 'content-type': 'application/json', 'content-length': '2', upgrade: 'tcp' })).toEqual({
      'content-type': 'application/json',
      'content-length': '2',
      upgrade: 'tcp',
    });
  });
});
