import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** `host:port`, `:port` (every address) or a bare port, as dockerd's --metrics-addr takes it. */
export function parseMetricsAddr(addr: string): { host: string; port: number } {
  const m = /^(?:\[?([^\]]*)\]?:)?(\d+)$/.exec(addr.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536)) throw new Error(`invalid --metrics-addr ${addr} (want HOST:PORT, e.g. 127.0.0.1:9323)`);
  return { host: m[1] || '0.0.0.0', port };
}

/**
 * A standalone worker's /metrics: a plain HTTP server of its own (a worker
 * serves no API). Only /metrics answers; whoever can reach the address can
 * read it, so it listens where the user said, and nowhere by default.
 */
export async function serveMetrics(registry: Registry, addr: string): Promise<Server> {
  const { host, port } = parseMetricsAddr(addr);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      (e: Error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${e.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`cannot serve metrics on ${addr}: ${e.message}`)));
    server.listen(port, host, () => resolve());
  });
  return server;
}
