import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { engineUpgradeHandler, requestHead } from './engine-upgrade';
import { withoutHopHeaders } from './engine-proxy.middleware';
import { EngineEndpoint } from '../../../../worker/src/docker/engine-endpoint';

describe('requestHead', () => {
  it('replays what the client sent: request line, headers in their case and order, repeated ones kept', () => {
    const raw = ['Host', 'm:2377', 'Connection', 'Upgrade', 'Upgrade', 'tcp', 'X-A', '1', 'X-A', '2'];
    expect(requestHead('POST', '/v1.41/exec/e1/start', raw)).toBe(
      'POST /v1.41/exec/e1/start HTTP/1.1\r\nHost: m:2377\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nX-A: 1\r\nX-A: 2\r\n\r\n',
    );
  });
});

describe('withoutHopHeaders', () => {
  it("drops only what describes one hop's connection", () => {
    expect(withoutHopHeaders({ connection: 'close', 'Keep-Alive': 'timeout=5', 'content-type': 'application/json', 'content-length': '2', upgrade: 'tcp' })).toEqual({
      'content-type': 'application/json',
      'content-length': '2',
      upgrade: 'tcp',
    });
  });
});


/**
 * The handler between two real sockets: the client's (as the http.Server hands
 * it over on `upgrade`) and a stand-in dockerd on a unix socket that records
 * what it reads and answers like a hijacked exec.
 */
describe('engineUpgradeHandler', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((c) => c()));

  function listen(server: Server, at: string | number): Promise<void> {
    return new Promise((r) => server.listen(at as never, () => r()));
  }

  async function fakeEngine(): Promise<{ host: string; got: Promise<string> }> {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-engine-spec-'));
    const path = join(dir, 'docker.sock');
    let resolveGot!: (s: string) => void;
    const got = new Promise<string>((r) => (resolveGot = r));
    const server = createServer({ allowHalfOpen: true }, (s) => {
      let read = '';
      s.on('data', (d) => {
        read += d.toString('latin1');
        if (read.includes('\r\n\r\n') && !read.includes('answered')) {
          read += '<answered>';
          s.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
        }
      });
      // stdin's end reaches the engine while its side stays open: the output still flows back.
      s.on('end', () => {
        s.end('out-after-stdin-closed');
        resolveGot(read.replace('<answered>', ''));
      });
    });
    await listen(server, path);
    closers.push(() => server.close(), () => rmSync(dir, { recursive: true, force: true }));
    return { host: `unix://${path}`, got };
  }

  /** A client connection whose server side is given to `handler` as the http.Server would. */
  async function clientThrough(handler: ReturnType<typeof engineUpgradeHandler>, req: Partial<IncomingMessage>, head: Buffer, taken: (t: boolean) => void): Promise<Socket> {
    const server = createServer({ allowHalfOpen: true }, (s) => taken(handler({ ...req, socket: s } as IncomingMessage, s, head)));
    await listen(server, 0);
    closers.push(() => server.close());
    const port = (server.address() as { port: number }).port;
    const c = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    closers.push(() => c.destroy());
    return c;
  }

  const readAll = (s: Socket) =>
    new Promise<string>((r) => {
      let got = '';
      s.on('data', (d) => (got += d.toString('latin1')));
      s.on('end', () => r(got));
    });

  const execStart = { method: 'POST', url: '/v1.41/exec/e1/start', rawHeaders: ['Host', 'm', 'Connection', 'Upgrade', 'Upgrade', 'tcp', 'Content-Length', '2'] };

  it('leaves what is not an engine hijack to the next handler', async () => {
    const h = engineUpgradeHandler(new EngineEndpoint('unix:///nonexistent/docker.sock'), () => true);
    let taken: boolean | undefined;
    const c = await clientThrough(h, { method: 'POST', url: '/flotilla/v1/raft', rawHeaders: [] }, Buffer.alloc(0), (t) => (taken = t));
    await new Promise((r) => c.once('connect', r));
    await expect.poll(() => taken).toBe(false);
  });

  it('refuses a caller the API does not trust, as the HTTP routes do', async () => {
    const h = engineUpgradeHandler(new EngineEndpoint('unix:///nonexistent/docker.sock'), () => false);
    const c = await clientThrough(h, execStart, Buffer.from('{}'), () => undefined);
    const got = await readAll(c);
    expect(got.split('\r\n')[0]).toBe('HTTP/1.1 403 Forbidden');
    expect(JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)).message).toMatch(/--api-remote/);
  });

  it("answers 502 in Docker's shape when the engine cannot be reached", async () => {
    const h = engineUpgradeHandler(new EngineEndpoint('unix:///nonexistent/docker.sock'), () => true);
    const c = await clientThrough(h, execStart, Buffer.from('{}'), () => undefined);
    const got = await readAll(c);
    expect(got.split('\r\n')[0]).toBe('HTTP/1.1 502 Bad Gateway');
    expect(JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)).message).toMatch(/^Cannot connect to this node's Docker daemon at unix:\/\/\/nonexistent\/docker.sock: /);
  });

  it('replays the request and the body bytes already read, then joins both ways; stdin closing keeps the output flowing', async () => {
    const engine = await fakeEngine();
    const h = engineUpgradeHandler(new EngineEndpoint(engine.host), () => true);
    const c = await clientThrough(h, execStart, Buffer.from('{}'), () => undefined);
    const answer = readAll(c);
    c.end('stdin-bytes');
    expect(await engine.got).toBe(`${requestHead(execStart.method, execStart.url, execStart.rawHeaders)}{}stdin-bytes`);
    const got = await answer;
    expect(got.split('\r\n')[0]).toBe('HTTP/1.1 101 UPGRADED');
    expect(got.endsWith('\r\n\r\nout-after-stdin-closed')).toBe(true);
  });
});
