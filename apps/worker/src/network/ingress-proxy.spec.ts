import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server } from 'node:net';
import { IngressProxy } from './ingress-proxy';

/** Real sockets on loopback: two "nodes" are two bind addresses of one machine. */
const A = '127.0.0.2';
const B = '127.0.0.3';
const PORT = 18081;
const MESH = 17947;

function echoServer(tag: string): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.on('data', (d) => s.end(`${tag}:${d.toString()}`)));
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, port: (server.address() as { port: number }).port })));
}

function ask(host: string, port: number, msg: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port }, () => s.write(msg));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
  });
}

const until = async (f: () => Promise<string>, want: string) => {
  for (let i = 0; i < 50; i++) {
    const got = await f();
    if (got === want) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
  return f();
};

describe('IngressProxy: the routing mesh', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((c) => c()));

  it('a node without a task passes the connection to one with a task, which serves it from its own', async () => {
    const task = await echoServer('task-on-b');
    const a = new IngressProxy(A);
    const b = new IngressProxy(B);
    closers.push(() => task.server.close(), () => a.close(), () => b.close());
    const preamble = Buffer.from([PORT >> 8, PORT & 0xff]);
    b.listenMesh(MESH);
    b.update(new Map([[PORT, { local: [{ host: '127.0.0.1', port: task.port }], remote: [] }]]));
    a.update(new Map([[PORT, { local: [], remote: [{ host: B, port: MESH, preamble }] }]]));
    expect(await until(() => ask(A, PORT, 'hi'), 'task-on-b:hi')).toBe('task-on-b:hi');
    expect(await ask(B, PORT, 'direct')).toBe('task-on-b:direct');
  });

  it('by default, a published port answers on IPv4 and IPv6, as Docker publishes it (0.0.0.0 and [::])', async () => {
    const task = await echoServer('both');
    const p = new IngressProxy();
    closers.push(() => task.server.close(), () => p.close());
    p.update(new Map([[PORT + 2, { local: [{ host: '127.0.0.1', port: task.port }], remote: [] }]]));
    expect(await until(() => ask('127.0.0.1', PORT + 2, 'v4'), 'both:v4')).toBe('both:v4');
    expect(await until(() => ask('::1', PORT + 2, 'v6'), 'both:v6')).toBe('both:v6');
  });

  it('a backend that refuses gives way to the next, for every connection', async () => {
    const task = await echoServer('alive');
    const dead = await echoServer('dead');
    const deadPort = dead.port;
    await new Promise((r) => dead.server.close(r));
    const a = new IngressProxy(A);
    closers.push(() => task.server.close(), () => a.close());
    a.update(new Map([[PORT, { local: [{ host: '127.0.0.1', port: deadPort }, { host: '127.0.0.1', port: task.port }], remote: [] }]]));
    await until(() => ask(A, PORT, 'x'), 'alive:x');
    for (let i = 0; i < 4; i++) expect(await ask(A, PORT, `n${i}`)).toBe(`alive:n${i}`);
  });

  it('a port with nowhere to go is not held: another node on the host may bind it', async () => {
    const a = new IngressProxy(A);
    closers.push(() => a.close());
    a.update(new Map([[PORT, { local: [], remote: [] }]]));
    await new Promise((r) => setTimeout(r, 50));
    const other = createServer();
    await new Promise<void>((r, j) => other.once('error', j).listen(PORT, A, () => r()));
    other.close();
  });

  it('a passed connection is never passed on again, and a port the node does not serve is closed', async () => {
    const a = new IngressProxy(A);
    const b = new IngressProxy(B);
    closers.push(() => a.close(), () => b.close());
    const preamble = Buffer.from([PORT >> 8, PORT & 0xff]);
    // Each believes the other runs the task: a stale view must not make a loop.
    a.listenMesh(MESH);
    b.listenMesh(MESH);
    a.update(new Map([[PORT, { local: [], remote: [{ host: B, port: MESH, preamble }] }]]));
    b.update(new Map([[PORT, { local: [], remote: [{ host: A, port: MESH, preamble }] }]]));
    await new Promise((r) => setTimeout(r, 50));
    expect(await ask(A, PORT, 'hi')).toBe('');
    expect(await ask(B, MESH, '\u0000\u0050x')).toBe('');
  });
});

describe('IngressProxy.probe: the addresses published ports answer on', () => {
  it('IPv4 alone when told to bind IPv4', async () => {
    const p = new IngressProxy('0.0.0.0');
    await p.probe();
    expect(p.addresses()).toEqual(['0.0.0.0']);
  });

  it('by default, IPv6 too exactly when this host can listen on ::', async () => {
    const p = new IngressProxy();
    await p.probe();
    const v6 = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(0, '::', () => s.close(() => resolve(true)));
    });
    expect(p.addresses()).toEqual(v6 ? ['0.0.0.0', '::'] : ['0.0.0.0']);
  });
});
