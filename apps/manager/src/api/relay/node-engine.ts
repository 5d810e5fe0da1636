import { request, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { FlotillaError, HTTP_STATUS, NODE_HEADER, ONEOFF_RESOURCES_HEADER, encodeOneOffResources, relayRoute, type OneOffResources, type RelayCreateBody } from '@flotilla/contracts';
import { sendError } from '../error.filter';
import { withoutHopHeaders } from '../engine/engine-proxy.middleware';
import { requestHead } from '../engine/engine-upgrade';
import type { RelayBroker } from './relay-broker';

/** Request bodies a relayed call carries are small JSON documents (exec and container create). */
const MAX_BODY = 1 << 20;

function statusOf(e: Error): number {
  return e instanceof FlotillaError ? HTTP_STATUS[e.code] : 502;
}

function refuse(socket: Duplex, status: number, message: string) {
  const body = JSON.stringify({ message });
  socket.end(`HTTP/1.1 ${status} Relay\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function readBody(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_BODY) return reject(new FlotillaError('invalid_argument', 'request body too large for the engine relay'));
      parts.push(d);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/**
 * "The engine of node X" on the manager's endpoint: a Docker API call with
 * the `X-Flotilla-Node` header goes to that node's dockerd through its worker
 * (which checks it concerns that node's task containers), whichever node it
 * is, this one included. Status, headers and body come back as dockerd (or
 * the worker's check) answered. Sits before the local engine proxy.
 */
export function nodeEngineMiddleware(broker: RelayBroker, resources?: (body: RelayCreateBody) => OneOffResources) {
  return (req: Request, res: Response, next: NextFunction) => {
    const nodeId = req.headers[NODE_HEADER];
    if (nodeId === undefined) return next();
    const route = relayRoute(req.method, req.originalUrl);
    if (typeof nodeId !== 'string' || !route) {
      return sendError(res, 404, `${req.method} ${req.originalUrl.split('?')[0]} is not served for another node's engine`);
    }
    void (async () => {
      let body: Buffer;
      let socket: Duplex;
      try {
        body = await readBody(req);
        socket = await broker.open(nodeId);
      } catch (e) {
        return sendError(res, statusOf(e as Error), (e as Error).message);
      }
      const headers: Record<string, unknown> = { ...withoutHopHeaders(req.headers), connection: 'close', 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      // Only this manager says which cluster networks and volumes a one-off needs: from its store, never the client's word.
      delete headers[ONEOFF_RESOURCES_HEADER];
      const wanted = route.target.kind === 'create' && resources ? createResources(body, resources) : undefined;
      if (wanted) headers[ONEOFF_RESOURCES_HEADER] = encodeOneOffResources(wanted);
      let answered = false;
      const out = request({ method: req.method, path: req.originalUrl, headers: headers as Record<string, string>, createConnection: () => socket as never }, (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, withoutHopHeaders(answer.headers));
        res.flushHeaders();
        answer.on('end', () => (answered = true));
        answer.pipe(res);
      });
      out.on('error', (e) => {
        if (!res.headersSent) sendError(res, 502, `node ${nodeId}'s engine relay failed: ${e.message}`);
        else res.destroy();
      });
      res.on('close', () => {
        if (!answered) out.destroy();
      });
      out.end(body);
    })();
  };
}

/** What a one-off create body names of the cluster's, when it names anything (a body that is not JSON: nothing). */
function createResources(body: Buffer, resources: (body: RelayCreateBody) => OneOffResources): OneOffResources | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const r = resources(parsed as RelayCreateBody);
  return r.networks.length || r.volumes.length ? r : undefined;
}

/**
 * The hijacked calls (exec start, attach) for another node's engine: the
 * request is replayed on a relay connection and the two are joined, so stdin
 * and the output flow as with a local engine. Returns false for requests
 * without the node header, for the next handler.
 */
export function nodeEngineUpgradeHandler(broker: RelayBroker, trusted: (req: IncomingMessage) => boolean) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const nodeId = req.headers[NODE_HEADER];
    if (nodeId === undefined) return false;
    if (!trusted(req)) {
      refuse(socket, 403, 'this flotilla manager serves its API to its own host only; start it with --api-remote to serve other hosts (no TLS yet)');
      return true;
    }
    if (typeof nodeId !== 'string' || !relayRoute(req.method, req.url)?.hijack) {
      refuse(socket, 404, `${req.method} ${req.url?.split('?')[0]} is not served for another node's engine`);
      return true;
    }
    socket.on('error', () => socket.destroy());
    broker.open(nodeId).then(
      (up) => {
        if (socket.destroyed) return up.destroy();
        up.write(requestHead(req.method!, req.url!, req.rawHeaders));
        if (head.length) up.write(head);
        socket.pipe(up);
        up.pipe(socket);
        up.on('error', () => socket.destroy());
        socket.on('close', () => up.destroy());
      },
      (e: Error) => refuse(socket, statusOf(e), e.message),
    );
    return true;
  };
}
