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
});
