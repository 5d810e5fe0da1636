import { describe, expect, it } from 'vitest';
import type { Request, Response } from 'express';
import { bodyLimitMiddleware } from './body-limit.middleware';

function run(contentLength: string | undefined) {
  const headers: Record<string, string> = {};
  const out = { status: 0, body: '', next: false };
  const res = {
    status(s: number) {
      out.status = s;
      return this;
    },
    setHeader(k: string, v: string) {
      headers[k] = v;
      return this;
    },
    end(b: string) {
      out.body = b;
    },
  } as unknown as Response;
  const req = { headers: contentLength === undefined ? {} : { 'content-length': contentLength } } as unknown as Request;
  bodyLimitMiddleware(1000)(req, res, () => (out.next = true));
  return { ...out, headers };
}

describe('bodyLimitMiddleware', () => {
  it.each([undefined, '0', '1000', 'abc', ''])('lets %j through', (len) => {
    expect(run(len).next).toBe(true);
  });

  it('refuses a body announced over the limit with 413', () => {
    const r = run('1001');
    expect(r.next).toBe(false);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).message).toBe('request entity too large: 1001 bytes, the limit is 1000 (--max-request-bytes)');
  });
});
