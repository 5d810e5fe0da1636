import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { ManagerProcess } from '../support/manager';

/** POSTs `body` and returns the status and the parsed JSON answer. */
function post(port: number, path: string, body: Buffer): Promise<{ status: number; json: { message?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) as { message?: string } }));
    });
    // The server may answer and close before the whole body is sent.
    req.on('error', reject);
    req.end(body);
  });
}

/** Announces `announced` bytes, sends a few, and waits for the answer without sending the rest. */
function announceOnly(port: number, announced: number): Promise<{ status: number; json: { message?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/services/create', method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': announced } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        resolve({ status: res.statusCode!, json: JSON.parse(text) as { message?: string } });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write('{"Name": "');
  });
}

describe('request bodies the API refuses', () => {
  let m: ManagerProcess;
  beforeAll(async () => {
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await m?.destroy();
  });

  it('a 64 MB body is 413 with a message, not a 500, and the manager goes on serving', async () => {
    const name = 'a'.repeat(64 * 1024 * 1024);
    const r = await post(m.port, '/services/create', Buffer.from(JSON.stringify({ Name: name })));
    expect(r.status).toBe(413);
    expect(r.json.message).toMatch(/too large/i);
    const again = await post(m.port, '/services/create', Buffer.from('{"Name": '));
    expect(again.status).toBe(400);
    expect(m.log).not.toMatch(/unhandled/);
  });

  it('the default limit is 16 MiB: a body announced one byte over is refused from its headers, before it is sent', async () => {
    const r = await announceOnly(m.port, 16 * 1024 * 1024 + 1);
    expect(r.status).toBe(413);
    expect(r.json.message).toBe('request entity too large: 16777217 bytes, the limit is 16777216 (--max-request-bytes)');
  });

  it('a body just under 16 MiB is read and judged on its content', async () => {
    const r = await post(m.port, '/services/create', Buffer.from(JSON.stringify({ Name: 'x', Labels: { a: 'b'.repeat(16 * 1024 * 1024 - 100) }, TaskTemplate: 5 })));
    expect(r.status).toBe(400);
    expect(r.json.message).toBe('TaskTemplate: expected object, received number');
  });
});

describe('--max-request-bytes', () => {
  let m: ManagerProcess;
  beforeAll(async () => {
    m = await ManagerProcess.create({ FLOTILLA_MAX_REQUEST_BYTES: '4096' });
  });
  afterAll(async () => {
    await m?.destroy();
  });

  it('sets the limit: 4097 bytes are refused, 4096 are read', async () => {
    const over = await announceOnly(m.port, 4097);
    expect(over.status).toBe(413);
    const body = (n: number) => {
      const b = Buffer.from(JSON.stringify({ Name: 'x', Labels: { a: '' }, TaskTemplate: 5 }));
      return Buffer.from(JSON.stringify({ Name: 'x', Labels: { a: 'b'.repeat(n - b.length) }, TaskTemplate: 5 }));
    };
    expect(body(4096).length).toBe(4096);
    expect((await post(m.port, '/services/create', body(4096))).status).toBe(400);
    // Chunked (no Content-Length): the JSON parser's own limit answers.
    const chunked = await fetch(`http://${m.host}/services/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: new ReadableStream({ start: (c) => (c.enqueue(body(5000)), c.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });
});
