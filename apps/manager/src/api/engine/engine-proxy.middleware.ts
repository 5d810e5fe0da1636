import type { NextFunction, Request, Response } from 'express';
import { sendError } from '../error.filter';
import { engineRoute } from './engine-routes';
import type { EngineEndpoint } from '../../../../worker/src/docker/engine-endpoint';

/** Headers about one hop's connection: each side of the proxy keeps its own. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection']);

export function withoutHopHeaders<T>(headers: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP.has(k.toLowerCase())));
}

export function engineUnreachable(engine: EngineEndpoint, e: Error): string {
  return `Cannot connect to this node's Docker daemon at ${engine.label}: ${e.message}`;
}

/**
 * `docker ps`, `logs`, `inspect`, `top`, `stats`, `kill`, `rm`, `images`,
 * `volume ls` on the manager's endpoint: answered by this manager's own
 * dockerd, as a Swarm manager does, never forwarded to the Raft leader. The
 * request and the answer are streamed untouched (status, headers, body), so
 * `logs -f` and `stats` flow and Docker's own errors reach the client as
 * Docker words them. Sits after the remote-access check and before the
 * leader proxy and the body parser.
 */
export function engineProxyMiddleware(engine: EngineEndpoint) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!engineRoute(req.method, req.url)) return next();
    let answered = false;
    const out = engine.request({ method: req.method, path: req.originalUrl, headers: withoutHopHeaders(req.headers) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopHeaders(answer.headers));
      // Headers go out at once: `docker attach` waits for the answer to its `wait` before attaching.
      res.flushHeaders();
      answer.on('end', () => (answered = true));
      answer.pipe(res);
    });
    out.on('error', (e) => {
      if (!res.headersSent) sendError(res, 502, engineUnreachable(engine, e));
      else res.destroy();
    });
    // A client that goes away (Ctrl-C on `logs -f`, `stats`) ends the engine's side too.
    res.on('close', () => {
      if (!answered) out.destroy();
    });
    req.pipe(out);
  };
}
