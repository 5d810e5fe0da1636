import { describe, expect, it } from 'vitest';
import { answerStatus, parseRequestHead, serializeHead, withContainerId } from './relay-request';

describe('parseRequestHead', () => {
  it('reads method, URL and headers', () => {
    const h = parseRequestHead('POST /v1.41/exec/abc/start HTTP/1.1\r\nHost: x\r\nContent-Length: 27\r\nUpgrade: tcp');
    expect(h).toMatchObject({ method: 'POST', url: '/v1.41/exec/abc/start', headers: { host: 'x', 'content-length': '27', upgrade: 'tcp' } });
  });
  it.each([
    ['no request line', 'Host: x'],
    ['a relative URL', 'GET containers/x/json HTTP/1.1'],
    ['HTTP/2', 'GET / HTTP/2'],
    ['a header without a colon', 'GET / HTTP/1.1\r\nbroken'],
    ['a header name with spaces', 'GET / HTTP/1.1\r\nBad Name: x'],
  ])('refuses %s', (_what, text) => {
    expect(parseRequestHead(text)).toBeUndefined();
  });
});

describe('serializeHead', () => {
  it('replays the request, replacing and dropping headers', () => {
    const h = parseRequestHead('GET /containers/web/json HTTP/1.1\r\nHost: m\r\nConnection: keep-alive\r\nX-Flotilla-Node: n1')!;
    expect(serializeHead(h, '/containers/ID/json', { Connection: 'close', 'x-flotilla-node': undefined })).toBe(
      'GET /containers/ID/json HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n',
    );
  });
});

describe('withContainerId', () => {
  it.each([
    ['/v1.41/containers/web.1/kill?signal=TERM', 'web.1', '/v1.41/containers/FULL/kill?signal=TERM'],
    ['/containers/abc?force=1', 'abc', '/containers/FULL?force=1'],
    ['/containers/abc/json', 'abc', '/containers/FULL/json'],
  ])('%s', (url, ref, expected) => {
    expect(withContainerId(url, ref, 'FULL')).toBe(expected);
  });
});

describe('answerStatus', () => {
  it.each([
    ['HTTP/1.1 204 No Content\r\nApi-Version: 1.41\r\n\r\n', 204],
    ['HTTP/1.0 404 Not Found\r\n', 404],
    ['HTTP/1.1 500 Internal Server Error\r\n', 500],
    ['garbage', undefined],
    ['', undefined],
    ['HTTP/1.1 2044 x\r\n', undefined],
  ])('%j: %s', (text, want) => {
    expect(answerStatus(Buffer.from(text, 'latin1'))).toBe(want);
  });
});
