import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { FlotillaError, NODE_HEADER, RELAY_PATH_PREFIX, isNodeId, isRelayId, relayRequestChannel, type RelayRequest } from '@flotilla/contracts';

interface Pending {
  nodeId: string;
  resolve: (s: Socket) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Opens connections to other nodes' engines without dialing them: the manager
 * publishes "dial me for relay R" on the node's Redis channel and the node's
 * worker opens an HTTP upgrade back to this manager's port, authenticated with
 * its node credential. Each connection carries one Docker API call.
 */
export class RelayBroker {
  private readonly log = new Logger(RelayBroker.name);
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly redis: Redis,
    /** host:port the node's worker dials (this manager's advertise address). */
    private readonly advertiseAddr: string,
    private readonly authenticate: (nodeId: string, authorization: string | undefined) => void,
    private readonly timeoutMs = 10_000,
  ) {}

  /** A connection whose far end is the engine of `nodeId` (through its worker's checks). */
  async open(nodeId: string): Promise<Socket> {
    if (!isNodeId(nodeId)) throw new FlotillaError('invalid_argument', `invalid node ID ${JSON.stringify(nodeId)}`);
    const relayId = randomBytes(16).toString('hex');
    const socket = new Promise<Socket>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(relayId);
        reject(new FlotillaError('unavailable', `node ${nodeId} did not open its engine relay within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(relayId, { nodeId, resolve, reject, timer });
    });
    const req: RelayRequest = { relayId, manager: this.advertiseAddr };
    let listeners = 0;
    try {
      listeners = await this.redis.publish(relayRequestChannel(nodeId), JSON.stringify(req));
    } catch (e) {
      this.fail(relayId, new FlotillaError('unavailable', `cannot ask node ${nodeId} for its engine: ${(e as Error).message}`));
    }
    if (listeners === 0) this.fail(relayId, new FlotillaError('unavailable', `node ${nodeId} is not connected; its engine cannot be reached`));
    return socket;
  }

  /**
   * The upgrade handler for workers answering a relay request. Takes the
   * request when its path is a relay's (returns true), whatever the outcome.
   */
  accept(req: IncomingMessage, socket: Socket, head: Buffer): boolean {
    if (!req.url?.startsWith(RELAY_PATH_PREFIX)) return false;
    const relayId = req.url.slice(RELAY_PATH_PREFIX.length);
    const nodeId = req.headers[NODE_HEADER];
    const p = isRelayId(relayId) ? this.pending.get(relayId) : undefined;
    if (!p || typeof nodeId !== 'string' || p.nodeId !== nodeId) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    try {
      this.authenticate(nodeId, req.headers.authorization);
    } catch (e) {
      this.log.warn({ msg: 'relay refused: bad node credential', nodeId, err: (e as Error).message });
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.pending.delete(relayId);
    clearTimeout(p.timer);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: flotilla-relay\r\nConnection: Upgrade\r\n\r\n');
    // The worker sends nothing before it reads the request; anything early is a protocol error.
    if (head.length) {
      socket.destroy();
      p.reject(new FlotillaError('unavailable', `node ${nodeId} spoke out of turn on its engine relay`));
      return true;
    }
    p.resolve(socket);
    return true;
  }

  close() {
    for (const [id] of this.pending) this.fail(id, new FlotillaError('unavailable', 'the manager is shutting down'));
  }

  private fail(relayId: string, e: Error) {
    const p = this.pending.get(relayId);
    if (!p) return;
    this.pending.delete(relayId);
    clearTimeout(p.timer);
    p.reject(e);
  }
}
