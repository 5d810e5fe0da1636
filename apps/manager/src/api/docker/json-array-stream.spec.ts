import { once } from 'node:events';
import { request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { sendJsonArray } from './json-array-stream';

/** A real HTTP server whose one route answers with sendJsonArray; what the handler saw is kept. */
async function serve(items: unknown[], perTurn: number) {
  const seen = { writes: 0, full: 0, turns: 0, done: false };
  const app = express();
  app.get('/', (_req, res: Response) => {
    const write = res.write.bind(res) as (chunk: string) => boolean;
    res.write = ((chunk: string) => {
      seen.writes++;
      const ok = write(chunk);
      if (!ok) seen.full++;
      return ok;
    }) as Response['write'];
    // Counts the loop's turns while the answer goes out: each part should leave one.
    const tick = () => {
      seen.turns++;
      if (!seen.done) setImmediate(tick);
    };
    setImmediate(tick);
    void sendJsonArray(res, items, perTurn).finally(() => (seen.done = true));
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, seen };
}

function get(port: number, opts: { pauseMs?: number; abortAfterBytes?: number } = {}): Promise<{ res: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      if (opts.pauseMs) {
        res.pause();
        setTimeout(() => res.resume(), opts.pauseMs);
      }
      res.on('data', (d: string) => {
        body += d;
        if (opts.abortAfterBytes !== undefined && body.length >= opts.abortAfterBytes) {
          req.destroy();
          resolve({ res, body });
        }
      });
      res.on('end', () => resolve({ res, body }));
      res.on('error', reject);
    });
    req.on('error', (e) => (opts.abortAfterBytes !== undefined ? undefined : reject(e)));
    req.end();
  });
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const tasks = (n: number, pad = 0) => Array.from({ length: n }, (_, i) => ({ ID: `t${i}`, Slot: i + 1, Spec: { Env: ['x'.repeat(pad)] }, Name: 'é"\\' }));

describe('sendJsonArray', () => {
  it('sends a short list in one piece, with its length, as JSON.stringify would', async () => {
    const items = tasks(3);
    const { port, seen } = await serve(items, 10);
    const { res, body } = await get(port);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(body).toBe(JSON.stringify(items));
    expect(seen.writes).toBeLessThanOrEqual(1);
  });

  it('sends an empty list as []', async () => {
    const { port } = await serve([], 10);
    expect((await get(port)).body).toBe('[]');
  });

  it('sends a long list in parts, a turn of the event loop between two, byte for byte JSON.stringify', async () => {
    const items = tasks(2_050);
    const { port, seen } = await serve(items, 100);
    const { res, body } = await get(port);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(body).toBe(JSON.stringify(items));
    expect(JSON.parse(body)).toEqual(items);
    // 21 parts (the last one short), and the loop went round between them.
    expect(seen.writes).toBe(21);
    expect(seen.turns).toBeGreaterThanOrEqual(20);
  });

  it('leaves a turn between two parts bigger than the socket takes at once (whose write says full, and drain comes in the same turn)', async () => {
    const items = tasks(2_000, 1_000);
    const { port, seen } = await serve(items, 100);
    const { body } = await get(port);
    expect(body).toBe(JSON.stringify(items));
    expect(seen.writes).toBe(20);
    expect(seen.full).toBeGreaterThan(0);
    expect(seen.turns).toBeGreaterThanOrEqual(19);
  });

  it('waits for the socket to drain when a slow client lets it fill, and loses nothing', async () => {
    const items = tasks(20_000, 1_000);
    const { port, seen } = await serve(items, 500);
    const { body } = await get(port, { pauseMs: 300 });
    expect(seen.full).toBeGreaterThan(0);
    expect(body.length).toBe(JSON.stringify(items).length);
    expect(body).toBe(JSON.stringify(items));
  });

  it('stops writing when the client hangs up', async () => {
    const items = tasks(20_000, 1_000);
    const { port, seen } = await serve(items, 500);
    await get(port, { abortAfterBytes: 100_000 });
    const deadline = Date.now() + 5_000;
    while (!seen.done && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen.done).toBe(true);
    expect(seen.writes).toBeLessThan(40);
  });
});
