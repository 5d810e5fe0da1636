import { Logger } from '@nestjs/common';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import type { NameTable } from './name-table';

const DNS_PORT = 53;
const FORWARD_TIMEOUT_MS = 2000;
const SERVFAIL = 2;

/**
 * The node's DNS for task networks: one UDP socket per network gateway on
 * this host. Docker's embedded DNS (127.0.0.11 in each container) forwards
 * what it does not know here (the container's Dns); this answers service
 * names from the node's assignment (TTL 0: tasks come and go) and passes
 * everything else on to the host's own resolvers.
 */
export class DnsServer {
  private readonly log = new Logger(DnsServer.name);
  private readonly sockets = new Map<string, { socket: Socket; networkId: string }>();
  private readonly binding = new Map<string, Promise<boolean>>();

  constructor(
    private readonly table: () => NameTable,
    private readonly upstreams: () => readonly string[],
    private readonly port = DNS_PORT,
  ) {}

  /** Serves a network on its gateway address (once, however many ask at once); false when it cannot be bound. */
  serve(networkId: string, gateway: string): Promise<boolean> {
    const have = this.sockets.get(gateway);
    if (have?.networkId === networkId) return Promise.resolve(true);
    let p = this.binding.get(gateway);
    if (!p) {
      p = this.bind(networkId, gateway).finally(() => this.binding.delete(gateway));
      this.binding.set(gateway, p);
    }
    return p;
  }

  private async bind(networkId: string, gateway: string): Promise<boolean> {
    if (this.sockets.has(gateway)) this.stop(gateway);
    const socket = createSocket('udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.port, gateway, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      socket.close();
      this.log.warn({ msg: 'cannot serve DNS on the network gateway; service names of other hosts will not resolve', gateway, err: (e as Error).message });
      return false;
    }
    socket.on('error', (e) => this.log.warn({ msg: 'dns socket error', gateway, err: e.message }));
    socket.on('message', (msg, from) => void this.answer(socket, networkId, msg, from));
    this.sockets.set(gateway, { socket, networkId });
    return true;
  }

  isServing(gateway: string): boolean {
    return this.sockets.has(gateway);
  }

  /** Stops serving every gateway but these (networks gone from this host). */
  retain(gateways: ReadonlySet<string>): void {
    for (const g of [...this.sockets.keys()]) if (!gateways.has(g)) this.stop(g);
  }

  close(): void {
    this.retain(new Set());
  }

  private stop(gateway: string) {
    this.sockets.get(gateway)?.socket.close();
    this.sockets.delete(gateway);
  }

  private async answer(socket: Socket, networkId: string, msg: Buffer, from: RemoteInfo) {
    let q: dnsPacket.DecodedPacket;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return; // not DNS: no answer
    }
    const question = q.questions?.[0];
    if (q.type !== 'query' || !question) return;
    const addrs = this.table().resolve(question.name, networkId, from.address);
    let reply: Buffer;
    if (addrs) {
      reply = dnsPacket.encode({
        id: q.id,
        type: 'response',
        flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | (q.flag_rd ? dnsPacket.RECURSION_DESIRED : 0),
        questions: [question],
        // Only A records: the names are ours, so other types are an empty answer, not a referral.
        answers: question.type === 'A' ? addrs.map((data) => ({ type: 'A' as const, class: 'IN' as const, name: question.name, ttl: 0, data })) : [],
      });
    } else {
      reply = (await this.forward(msg)) ?? servfail(q, question);
    }
    socket.send(reply, from.port, from.address);
  }

  /** The host's resolvers, in turn, for names that are not ours; undefined when none answers. */
  private async forward(msg: Buffer): Promise<Buffer | undefined> {
    for (const server of this.upstreams()) {
      const r = await exchange(msg, server);
      if (r) return r;
    }
    return undefined;
  }
}

function servfail(q: dnsPacket.DecodedPacket, question: dnsPacket.Question): Buffer {
  // SERVFAIL makes Docker's embedded DNS try its next server, if the container has one.
  return dnsPacket.encode({ id: q.id, type: 'response', flags: SERVFAIL | (q.flag_rd ? dnsPacket.RECURSION_DESIRED : 0), questions: [question] });
}

/** One query to one server ("ip" or "ip:port"), its answer or undefined after the timeout. */
function exchange(msg: Buffer, server: string): Promise<Buffer | undefined> {
  const [host, port] = server.split(':');
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (r: Buffer | undefined) => {
      clearTimeout(t);
      s.close();
      resolve(r);
    };
    const t = setTimeout(() => done(undefined), FORWARD_TIMEOUT_MS);
    s.on('error', () => done(undefined));
    s.on('message', (r) => done(r));
    s.send(msg, Number(port) || DNS_PORT, host);
  });
}
