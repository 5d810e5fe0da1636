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
  /** The one address to listen on (a compose `127.0.0.1:P:T`); the proxy's default when absent. */
  bindHost?: string;
}

interface Listener {
  server: Server;
  /** What it was bound with: a route that now asks for another address is bound again. */
  bindHost?: string;
}

/** Pause before binding a port that failed again. */
const RETRY_BIND_MS = 10_000;
/** How long a mesh connection may take to name its port. */
const PREAMBLE_TIMEOUT_MS = 5_000;
/** How long a backend may take to accept before the next one is tried. */
const CONNECT_TIMEOUT_MS = 3_000;
const MESH = -1;

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
  /** Every published port's route, bound here or not: passed-on connections are served from it. */
  private routes = new Map<number, Route>();
  /** Round-robin position per port. */
  private readonly next = new Map<number, number>();
  private readonly failures = new Map<number, string>();
  /** When a port last failed to bind: retried after a pause, not on every sync (another node on this host may hold it). */
  private readonly failedAt = new Map<number, number>();
  private mesh?: Server;

  /**
   * By default both IPv4 and IPv6, as Docker publishes a port (`0.0.0.0:P` and `[::]:P`): one
   * dual-stack socket on `::`, or IPv4 alone where the host has no IPv6.
   */
  constructor(private bindHost = '::') {}

  /**
   * Finds out once, before any port is published, whether this host can listen on IPv6 (as the engine
   * publishes `[::]:P` only where it can), so the addresses reported for a task are the ones bound.
   */
  async probe(): Promise<void> {
    if (this.bindHost !== '::') return;
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', (e) => {
        const code = (e as NodeJS.ErrnoException).code;
        resolve(!(code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL'));
      });
      s.listen(0, '::', () => s.close(() => resolve(true)));
    });
    if (!ok) this.bindHost = '0.0.0.0';
  }

  /** The addresses a published port answers on here: IPv4's, and IPv6's when bound dual-stack. */
  addresses(): string[] {
    return this.bindHost === '::' ? ['0.0.0.0', '::'] : [this.bindHost];
  }

  /**
   * Makes the set of listening ports exactly the routes of `wanted` that lead somewhere (published
   * port -> route). A port with nowhere to go is not held, so another node on this host that has
   * tasks behind it can bind it.
   */
  update(wanted: Map<number, Route>): void {
    this.routes = wanted;
    const useful = (r: Route | undefined) => !!r && (r.local.length > 0 || r.remote.length > 0);
    for (const [port, l] of this.listeners) {
      const r = wanted.get(port);
      if (!useful(r) || r?.bindHost !== l.bindHost) {
        l.server.close();
        this.listeners.delete(port);
        this.log.log({ msg: 'ingress port closed', port });
      }
    }
    for (const [port, route] of wanted) {
      if (this.listeners.has(port) || !useful(route)) continue;
      if (performance.now() - (this.failedAt.get(port) ?? -Infinity) < RETRY_BIND_MS) continue;
      this.listen(port, route.bindHost);
    }
  }

  /** Accepts other nodes' passed-on connections on `port`. A port in use is reported, not fatal. */
  listenMesh(port: number): void {
    if (this.mesh) return;
    if (performance.now() - (this.failedAt.get(MESH) ?? -Infinity) < RETRY_BIND_MS) return;
    const server = createServer((s) => this.acceptPassed(s));
    server.on('error', (e) => {
      this.failures.set(port, `mesh: ${(e as Error).message}`);
      this.failedAt.set(MESH, performance.now());
      if (this.mesh === server) this.mesh = undefined;
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

  private listen(port: number, bindHost?: string) {
    const l: Listener = {
      bindHost,
      server: createServer((s) => {
        const { local, remote } = this.routes.get(port) ?? { local: [], remote: [] };
        this.forward(local.length > 0 ? local : remote, port, s);
      }),
    };
    l.server.on('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code;
      if (bindHost === undefined && this.bindHost === '::' && (code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL')) {
        this.bindHost = '0.0.0.0';
        this.listeners.delete(port);
        this.listen(port);
        return;
      }
      this.failures.set(port, (e as Error).message);
      this.failedAt.set(port, performance.now());
      this.listeners.delete(port);
      this.log.warn({ msg: 'ingress port failed', port, err: (e as Error).message });
    });
    l.server.listen(port, bindHost ?? this.bindHost, () => {
      this.failures.delete(port);
      this.failedAt.delete(port);
      this.log.log({ msg: 'ingress port open', port, ...(bindHost ? { host: bindHost } : {}) });
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
      const port = head.readUInt16BE(0);
      // Only this node's own tasks: what reaches here is never passed on again.
      const local = this.routes.get(port)?.local ?? [];
      if (local.length === 0) return void s.destroy();
      this.forward(local, port, s);
    };
    s.on('data', onData);
  }

  /** Tries the backends round-robin from this port's position; one that refuses or stays silent gives way to the next. */
  private forward(backends: Backend[], port: number, client: Socket, attempt = 0) {
    const n = backends.length;
    if (n === 0 || attempt >= n) {
      client.destroy();
      return;
    }
    const at = this.next.get(port) ?? 0;
    this.next.set(port, at + 1);
    const b = backends[at % n];
    client.pause();
    const up = connect({ host: b.host, port: b.port });
    let connected = false;
    up.setTimeout(CONNECT_TIMEOUT_MS, () => up.destroy(new Error('connect timeout')));
    const onClientGone = () => up.destroy();
    client.once('error', onClientGone);
    client.once('close', onClientGone);
    up.once('connect', () => {
      connected = true;
      up.setTimeout(0);
      if (b.preamble) up.write(b.preamble);
      client.pipe(up);
      up.pipe(client);
      up.on('close', () => client.destroy());
      client.resume();
    });
    up.on('error', () => {
      if (connected) return void client.destroy();
      client.off('error', onClientGone);
      client.off('close', onClientGone);
      up.destroy();
      if (!client.destroyed) this.forward(backends, port, client, attempt + 1);
    });
  }
}
