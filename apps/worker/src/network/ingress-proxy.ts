import { Logger } from '@nestjs/common';
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Backend {
  host: string;
  port: number;
  /** Written before anything else: another node's mesh listener reads the published port from it. */
  preamble?: Buffer;
}

/** Where a published port's connections go: this node's tasks, or else the other nodes that run some. */
export interface Route {
  local: Backend[];
  remote: Backend[];
}

interface Listener {
  server: Server;
  route: Route;
  next: number;
}

/** Pause before binding a port that failed again. */
const RETRY_BIND_MS = 10_000;
/** How long a mesh connection may take to name its port. */
const PREAMBLE_TIMEOUT_MS = 5_000;

/**
 * Published ports without IPVS: a userland TCP proxy per published port that
 * spreads connections round-robin over the service's running tasks, skipping
 * a backend that refuses. Docker's routing mesh needs IPVS, which kernels
 * like this machine's lack; this works anywhere. Every node listens on every
 * ingress port: one without a task of the service passes the connection to
 * a node that has some, through that node's mesh listener, which serves only
 * its own tasks (so a connection never makes more than one hop).
 */
export class IngressProxy {
  private readonly log = new Logger(IngressProxy.name);
  private readonly listeners = new Map<number, Listener>();
  private readonly failures = new Map<number, string>();
  /** When a port last failed to bind: retried after a pause, not on every sync (another node on this host may hold it). */
  private readonly failedAt = new Map<number, number>();
  private mesh?: Server;

  constructor(private readonly bindHost = '0.0.0.0') {}

  /** Makes the set of listening ports exactly `wanted` (published port -> route). */
  update(wanted: Map<number, Route>): void {
    for (const [port, l] of this.listeners) {
      if (!wanted.has(port)) {
        l.server.close();
        this.listeners.delete(port);
        this.log.log({ msg: 'ingress port closed', port });
      }
    }
    for (const [port, route] of wanted) {
      const l = this.listeners.get(port);
      if (l) {
        l.route = route;
        continue;
      }
      if (performance.now() - (this.failedAt.get(port) ?? -Infinity) < RETRY_BIND_MS) continue;
      this.listen(port, route);
    }
  }

  /** Accepts other nodes' passed-on connections on `port`. A port in use is reported, not fatal. */
  listenMesh(port: number): void {
    if (this.mesh) return;
    const server = createServer((s) => this.acceptPassed(s));
    server.on('error', (e) => {
      this.failures.set(port, `mesh: ${(e as Error).message}`);
      this.log.warn({ msg: 'mesh port failed', port, err: (e as Error).message });
    });
    server.listen(port, this.bindHost, () => this.log.log({ msg: 'mesh port open', port }));
    this.mesh = server;
  }

  /** Ports that could not be bound (in use by something else), with the reason. */
  problems(): ReadonlyMap<number, string> {
    return this.failures;
  }

  close(): void {
    for (const l of this.listeners.values()) l.server.close();
    this.listeners.clear();
    this.mesh?.close();
    this.mesh = undefined;
  }

  private listen(port: number, route: Route) {
    const l: Listener = {
      server: createServer((s) => {
        const { local, remote } = l.route;
        this.forward(local.length > 0 ? local : remote, l, s);
      }),
      route,
      next: 0,
    };
    l.server.on('error', (e) => {
      this.failures.set(port, (e as Error).message);
      this.failedAt.set(port, performance.now());
      this.listeners.delete(port);
      this.log.warn({ msg: 'ingress port failed', port, err: (e as Error).message });
    });
    l.server.listen(port, this.bindHost, () => {
      this.failures.delete(port);
      this.failedAt.delete(port);
      this.log.log({ msg: 'ingress port open', port });
    });
    this.listeners.set(port, l);
  }

  /** A connection another node passed on: two bytes name the published port, then it is the client's. */
  private acceptPassed(s: Socket) {
    s.setTimeout(PREAMBLE_TIMEOUT_MS, () => s.destroy());
    s.on('error', () => s.destroy());
    let head = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      if (head.length < 2) return;
      s.off('data', onData);
      s.pause();
      s.setTimeout(0);
      const rest = head.subarray(2);
      if (rest.length) s.unshift(rest);
      const l = this.listeners.get(head.readUInt16BE(0));
      // Only this node's own tasks: what reaches here is never passed on again.
      if (!l || l.route.local.length === 0) return void s.destroy();
      this.forward(l.route.local, l, s);
    };
    s.on('data', onData);
  }

  private forward(backends: Backend[], l: Listener, client: Socket, attempt = 0) {
    const n = backends.length;
    if (n === 0 || attempt >= n) {
      client.destroy();
      return;
    }
    const b = backends[l.next++ % n];
    client.pause();
    const up = connect({ host: b.host, port: b.port });
    up.once('connect', () => {
      if (b.preamble) up.write(b.preamble);
      client.pipe(up);
      up.pipe(client);
      client.resume();
    });
    up.once('error', () => {
      if (!up.readyState || up.connecting) {
        up.destroy();
        this.forward(backends, l, client, attempt + 1);
      } else {
        client.destroy();
      }
    });
    client.on('error', () => up.destroy());
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
  }
}
