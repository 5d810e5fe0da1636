import type { Request, Response } from 'express';

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

/** Opens a server-sent-events answer on `res`; `send` is a no-op once the page has gone. */
export function openSse(req: Request, res: Response): SseChannel {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write('retry: 1000\n\n');
  let closed = false;
  const closers: (() => void)[] = [];
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    for (const fn of closers) fn();
    res.end();
  };
  req.on('close', close);
  res.on('close', close);
  const sendJson = (event: string, json: string) => {
    if (closed) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) return void res.destroy();
    res.write(`event: ${event}\ndata: ${json}\n\n`);
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
