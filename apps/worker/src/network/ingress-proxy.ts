import { Logger } from '@nestjs/common';
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

interface Listener {
  server: Server;
  backends: Backend[];
  next: number;
}

/**
 * Published ports without IPVS: a userland TCP proxy per published port that
 * spreads connections round-robin over the service's running tasks, skipping
 * a backend that refuses. Docker's routing mesh needs IPVS, which kernels
 * like this machine's lack; this works anywhere.
 */
export class IngressProxy {
  private readonly log = new Logger(IngressProxy.name);
  private readonly listeners = new Map<number, Listener>();
  private readonly failures = new Map<number, string>();

  constructor(private readonly bindHost = '0.0.0.0') {}

  /** Makes the set of listening ports exactly `wanted` (published port -> backends). */
  update(wanted: Map<number, Backend[]>): void {
    for (const [port, l] of this.listeners) {
      if (!wanted.has(port)) {
        l.server.close();
        this.listeners.delete(port);
        this.log.log({ msg: 'ingress port closed', port });
      }
    }
    for (const [port, backends] of wanted) {
      const l = this.listeners.get(port);
      if (l) {
        l.backends = backends;
        continue;
      }
      this.listen(port, backends);
    }
  }

  /** Ports that could not be bound (in use by something else), with the reason. */
  problems(): ReadonlyMap<number, string> {
    return this.failures;
  }

  close(): void {
    for (const l of this.listeners.values()) l.server.close();
    this.listeners.clear();
  }

  private listen(port: number, backends: Backend[]) {
    const l: Listener = { server: createServer((s) => this.forward(l, s)), backends, next: 0 };
    l.server.on('error', (e) => {
      this.failures.set(port, (e as Error).message);
      this.listeners.delete(port);
      this.log.warn({ msg: 'ingress port failed', port, err: (e as Error).message });
    });
    l.server.listen(port, this.bindHost, () => {
      this.failures.delete(port);
      this.log.log({ msg: 'ingress port open', port });
    });
    this.listeners.set(port, l);
  }

  private forward(l: Listener, client: Socket, attempt = 0) {
    const n = l.backends.length;
    if (n === 0 || attempt >= n) {
      client.destroy();
      return;
    }
    const b = l.backends[l.next++ % n];
    client.pause();
    const up = connect({ host: b.host, port: b.port });
    up.once('connect', () => {
      client.pipe(up);
      up.pipe(client);
      client.resume();
    });
    up.once('error', () => {
      if (!up.readyState || up.connecting) {
        up.destroy();
        this.forward(l, client, attempt + 1);
      } else {
        client.destroy();
      }
    });
    client.on('error', () => up.destroy());
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
  }
}
