import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Message } from '../core/messages';
import type { NodeId } from '../core/types';
import { DEFAULT_MAX_FRAME, FrameDecoder, decodeMessage, encodeMessage } from './codec';
import type { Transport } from './transport';

export interface TcpTransportOptions {
  /** host:port to listen on. */
  readonly listen: string;
  /** Initial peers: id -> host:port. */
  readonly peers?: Readonly<Record<NodeId, string>>;
  readonly maxFrameBytes?: number;
  /** Bytes queued for one unreachable peer before messages are dropped (Raft retries). */
  readonly maxQueueBytes?: number;
  /** When set, both sides speak TLS (mutual TLS if the options ask for client certificates). */
  readonly tls?: { server: tls.TlsOptions; client: tls.ConnectionOptions };
  /**
   * Bytes written first on every outbound connection, before any frame: an
   * HTTP upgrade request when Raft shares its port with an HTTP API, which
   * then hands the socket to `acceptSocket`. Inbound bytes on outbound
   * connections are ignored, so the answer to it needs no parsing.
   */
  readonly preamble?: (peer: NodeId) => string;
}

interface Peer {
  id: NodeId;
  address: string;
  socket: net.Socket | null;
  connecting: boolean;
  queue: Buffer[];
  queued: number;
  backoffUntil: number;
}

/**
 * Raft over TCP with our own length-prefixed framing (see codec.ts): one
 * outbound connection per peer, writes coalesced per event-loop turn, frames
 * above the size limit close the connection, TLS by passing options.
 */
export class TcpTransport implements Transport {
  private handler: ((m: Message) => void) | null = null;
  private lostHandler: ((id: NodeId) => void) | null = null;
  private readonly server: net.Server;
  private readonly peers = new Map<NodeId, Peer>();
  private readonly inbound = new Set<net.Socket>();
  private readonly maxFrame: number;
  private readonly maxQueue: number;
  private flushScheduled = false;
  private closed = false;

  constructor(private readonly opts: TcpTransportOptions) {
    this.maxFrame = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME;
    this.maxQueue = opts.maxQueueBytes ?? 64 * 1024 * 1024;
    for (const [id, addr] of Object.entries(opts.peers ?? {})) this.setPeer(id, addr);
    const onConn = (s: net.Socket): void => this.accept(s);
    this.server = opts.tls ? tls.createServer(opts.tls.server, onConn) : net.createServer(onConn);
  }

  private bound: string | null = null;

  /** The address peers reach us at (the real port once listening on port 0). */
  get address(): string {
    return this.bound ?? this.opts.listen;
  }

  listen(): Promise<string> {
    const [host, port] = splitAddr(this.opts.listen);
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const a = this.server.address() as net.AddressInfo;
        this.bound = `${host}:${a.port}`;
        resolve(this.bound);
      });
    });
  }

  onMessage(handler: (m: Message) => void): void {
    this.handler = handler;
  }

  onPeerLost(handler: (id: NodeId) => void): void {
    this.lostHandler = handler;
  }

  setPeer(id: NodeId, address: string): void {
    const p = this.peers.get(id);
    if (p && p.address === address) return;
    if (p?.socket) p.socket.destroy();
    this.peers.set(id, { id, address, socket: null, connecting: false, queue: [], queued: 0, backoffUntil: 0 });
  }

  removePeer(id: NodeId): void {
    this.peers.get(id)?.socket?.destroy();
    this.peers.delete(id);
  }

  send(messages: readonly Message[]): void {
    if (this.closed) return;
    for (const m of messages) {
      const p = this.peers.get(m.to);
      if (!p) continue;
      const f = encodeMessage(m);
      if (p.queued + f.length > this.maxQueue) continue;
      p.queue.push(f);
      p.queued += f.length;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const p of this.peers.values()) {
      if (p.queue.length === 0) continue;
      if (!p.socket) {
        this.connect(p);
        continue;
      }
      const data = p.queue.length === 1 ? p.queue[0] : Buffer.concat(p.queue);
      p.queue = [];
      p.queued = 0;
      p.socket.write(data);
    }
  }

  private connect(p: Peer): void {
    if (p.connecting || this.closed) return;
    if (Date.now() < p.backoffUntil) {
      // Unreachable peer: drop rather than grow; the core resends.
      p.queue = [];
      p.queued = 0;
      return;
    }
    p.connecting = true;
    const [host, port] = splitAddr(p.address);
    const s = this.opts.tls ? tls.connect({ ...this.opts.tls.client, host, port }) : net.connect({ host, port });
    s.setNoDelay(true);
    const ready = this.opts.tls ? 'secureConnect' : 'connect';
    s.once(ready, () => {
      p.connecting = false;
      if (this.opts.preamble) s.write(this.opts.preamble(p.id));
      p.socket = s;
      this.flush();
    });
    s.on('error', () => undefined);
    s.on('data', () => undefined);
    s.once('close', () => {
      p.connecting = false;
      const established = p.socket === s;
      if (established) p.socket = null;
      p.backoffUntil = Date.now() + 100;
      // Once per connection that was up (not per refused retry, which would keep a follower out of
      // its leader's lease for as long as one direction fails), and only for a peer still known here.
      if (established && !this.closed && this.peers.get(p.id) === p) this.lostHandler?.(p.id);
    });
  }

  /** Takes an inbound connection accepted elsewhere (e.g. an HTTP server's upgrade); `head` holds bytes already read. */
  acceptSocket(s: net.Socket, head?: Buffer): void {
    this.accept(s, head);
  }

  private accept(s: net.Socket, head?: Buffer): void {
    if (this.closed) {
      s.destroy();
      return;
    }
    this.inbound.add(s);
    s.setNoDelay(true);
    const dec = new FrameDecoder(this.maxFrame);
    if (head && head.length > 0) {
      try {
        dec.push(head, (body) => this.handler?.(decodeMessage(body)));
      } catch {
        s.destroy();
        return;
      }
    }
    s.on('data', (chunk: Buffer) => {
      try {
        dec.push(chunk, (body) => this.handler?.(decodeMessage(body)));
      } catch {
        // Oversized or garbled frame: this connection cannot be trusted any more.
        s.destroy();
      }
    });
    s.on('error', () => undefined);
    s.once('close', () => this.inbound.delete(s));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.peers.values()) p.socket?.destroy();
    for (const s of this.inbound) s.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export function splitAddr(a: string): [string, number] {
  const i = a.lastIndexOf(':');
  return [a.slice(0, i), Number(a.slice(i + 1))];
}
