import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { engineRoute } from './engine-routes';
import { engineUnreachable } from './engine-proxy.middleware';
import type { EngineEndpoint } from '../../../../worker/src/docker/engine-endpoint';

function refuse(socket: Duplex, status: string, message: string) {
  const body = JSON.stringify({ message });
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The request head as the client sent it (names in their case, repeated headers kept). */
export function requestHead(method: string, url: string, rawHeaders: string[]): string {
  let head = `${method} ${url} HTTP/1.1\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/**
 * `docker exec` and `docker attach` hijack their connection (`Connection:
 * Upgrade`, `Upgrade: tcp`; dockerd answers 101 and then carries stdin one
 * way and the output the other). Such a request reaches the http.Server's
 * `upgrade` event, not Express, so the same trust rule is applied here; the
 * request is replayed byte for byte on a raw connection to this node's
 * dockerd and the two sockets are joined. Whatever dockerd answers (101, or
 * a 404 "No such exec instance") is what the client reads.
 * Returns false for a request that is not an engine hijack, for the next handler.
 */
export function engineUpgradeHandler(engine: EngineEndpoint, trusted: (req: IncomingMessage) => boolean) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    if (!engineRoute(req.method, req.url)?.hijack) return false;
    if (!trusted(req)) {
      refuse(socket, '403 Forbidden', 'this flotilla manager serves its API to its own host only; start it with --api-remote to serve other hosts (no TLS yet)');
      return true;
    }
    const up = engine.connect();
    let joined = false;
    up.on('connect', () => {
      joined = true;
      up.write(requestHead(req.method!, req.url!, req.rawHeaders));
      if (head.length) up.write(head);
      socket.pipe(up);
      up.pipe(socket);
    });
    up.on('error', (e) => {
      if (!joined) refuse(socket, '502 Bad Gateway', engineUnreachable(engine, e));
      else socket.destroy();
    });
    socket.on('error', () => up.destroy());
    socket.on('close', () => up.destroy());
    return true;
  };
}
