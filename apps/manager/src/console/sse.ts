import type { Request, Response } from 'express';
import { constants, createGzip, type Gzip } from 'node:zlib';

/** A page this far behind is dropped rather than buffered without end; its EventSource reconnects. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** A comment now and then, so a dead connection is noticed and nothing in between times it out. */
const KEEPALIVE_MS = 15_000;

export interface SseChannel {
  send(event: string, data: unknown): void;
  /** `json` already serialised (once for every page). */
  sendJson(event: string, json: string): void;
  onClose(fn: () => void): void;
  /** Ends the answer (the manager is stopping: an open stream would hold its HTTP server open). */
  close(): void;
}

export const acceptsGzip = (req: Request) => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));

/**
 * Opens a server-sent-events answer on `res`; `send` is a no-op once the page has gone.
 * When the browser accepts gzip the whole stream is one gzip stream, flushed after each
 * message: the first view of a big cluster shrinks several times, and later messages reuse
 * the dictionary (IDs and names repeat).
 */
export function openSse(req: Request, res: Response, opts: { gzip?: boolean } = {}): SseChannel {
  const gzip = opts.gzip ?? acceptsGzip(req);
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  res.setHeader('Vary', 'Accept-Encoding');
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.flushHeaders();
  let z: Gzip | undefined;
  if (gzip) {
    z = createGzip();
    // A page that went away mid-write: the close below ends it all.
    z.on('error', () => res.destroy());
    z.pipe(res);
  }
  const write = (s: string) => {
    if (!z) return void res.write(s);
    z.write(s);
    z.flush(constants.Z_SYNC_FLUSH);
  };
  write('retry: 1000\n\n');
  let closed = false;
  const closers: (() => void)[] = [];
  const keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    for (const fn of closers) fn();
    if (z) z.end();
    else res.end();
  };
  req.on('close', close);
  res.on('close', close);
  const sendJson = (event: string, json: string) => {
    if (closed) return;
    if (res.writableLength + (z?.writableLength ?? 0) > MAX_BUFFERED_BYTES) return void res.destroy();
    write(`event: ${event}\ndata: ${json}\n\n`);
  };
  return {
    send: (event, data) => sendJson(event, JSON.stringify(data)),
    sendJson,
    close,
    onClose(fn) {
      if (closed) fn();
      else closers.push(fn);
    },
  };
}
