import { Logger } from '@nestjs/common';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Redis } from 'ioredis';
import { NODE_HEADER, ONEOFF_RESOURCES_HEADER, RELAY_ONEOFF_LABEL, RELAY_PATH_PREFIX, decodeOneOffResources, imageReadRoute, parseRelayRequest, relayRequestChannel, relayRoute, type OneOffResources, type RelayRoute } from '@flotilla/contracts';
import type { EngineEndpoint } from '../docker/engine-endpoint';
import { MAX_HEAD, answerStatus, parseRequestHead, serializeHead, withContainerId, type RequestHead } from './relay-request';
import { containerVerdict, createVerdict, execVerdict, inPlaceVerdict, startsInPlace, type Refusal, type TargetTask } from './relay-policy';

const MAX_BODY = 1 << 20;

export interface RelayDeps {
  /** A manager this worker already knows (host:port): it never dials an address Redis alone names. */
  knows(hostPort: string): boolean;
  credential(): string | undefined;
  /** TLS options for a connection to a manager (this node's certificate); empty: plain (a manager on this host). */
  tls(): ConnectionOptions;
  isTaskContainer(id: string): boolean;
  /** The task whose container this is (by full ID), from the node's assignment set. */
  taskOfContainer(id: string): TargetTask | undefined;
  /**
   * A start or restart of a task's container in place is about to reach dockerd (compose `restart`):
   * the worker holds back that task's reports until `answered` tells it the engine's status (undefined: none came).
   */
  restartingInPlace(taskId: string, containerId: string, url: string): { answered(status: number | undefined): void };
  /** Creates the cluster networks and volumes a one-off needs on this engine, as for a task. */
  prepareOneOff?(r: OneOffResources): Promise<void>;
}

/** A call that may go to dockerd: its URL and body as passed on, and the task container it starts again in place, if any. */
interface Checked {
  url: string;
  body?: Buffer;
  inPlace?: { taskId: string; containerId: string };
}

function answer(socket: Socket, r: Refusal) {
  const body = JSON.stringify({ message: r.message });
  socket.end(`HTTP/1.1 ${r.status} Relay\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * The worker's end of "the engine of node X". Asked over Redis, it dials the
 * manager that asked (one it knows), proves it is this node, reads the one
 * Docker API call that comes down the connection, checks it (a route the relay
 * serves, on this node's task containers or its relayed one-offs) and only then
 * joins the connection to the local dockerd. Nothing reaches the worker inbound.
 */
export class RelayServer {
  private readonly log = new Logger(RelayServer.name);
  private readonly open = new Set<Socket>();
  private nodeId = '';

  constructor(
    private readonly sub: Redis,
    private readonly engine: EngineEndpoint,
    private readonly deps: RelayDeps,
  ) {}

  async start(nodeId: string) {
    this.nodeId = nodeId;
    const channel = relayRequestChannel(nodeId);
    this.sub.on('message', (ch: string, msg: string) => {
      if (ch === channel) this.dial(msg);
    });
    await this.sub.subscribe(channel);
  }

  stop() {
    for (const s of this.open) s.destroy();
  }

  private dial(msg: string) {
    const req = parseRelayRequest(msg);
    if (!req) return this.log.warn({ msg: 'malformed relay request ignored' });
    if (!this.deps.knows(req.manager)) return this.log.warn({ msg: 'relay request from an unknown manager ignored', manager: req.manager });
    const secret = this.deps.credential();
    if (!secret) return;
    const at = req.manager.lastIndexOf(':');
    const host = req.manager.slice(0, at).replace(/^\[|\]$/g, '');
    const port = Number(req.manager.slice(at + 1));
    const up = request({
      method: 'GET',
      path: RELAY_PATH_PREFIX + req.relayId,
      headers: { Host: req.manager, Connection: 'Upgrade', Upgrade: 'flotilla-relay', [NODE_HEADER]: this.nodeId, Authorization: `Bearer ${secret}` },
      // Half-open: the caller's end of stdin must not end the answer's way back.
      createConnection: () => {
        const t = this.deps.tls();
        const raw = connect({ host, port, allowHalfOpen: true });
        return t.cert ? tlsConnect({ ...t, socket: raw }) : raw;
      },
      timeout: 10_000,
    });
    up.on('upgrade', (_res, socket: Socket, head: Buffer) => {
      up.setTimeout(0);
      socket.setTimeout(0);
      this.open.add(socket);
      socket.on('close', () => this.open.delete(socket));
      socket.on('error', () => socket.destroy());
      void this.serve(socket, head);
    });
    up.on('response', (res) => {
      this.log.warn({ msg: 'manager refused the relay connection', manager: req.manager, status: res.statusCode });
      res.resume();
    });
    up.on('timeout', () => up.destroy(new Error('timed out')));
    up.on('error', (e) => this.log.warn({ msg: 'relay connection failed', manager: req.manager, err: e.message }));
    up.end();
  }

  /** Reads the request head (and a non-hijack body), checks it, then passes it to dockerd. */
  private async serve(socket: Socket, first: Buffer) {
    let head: RequestHead | undefined;
    let rest: Buffer = Buffer.alloc(0);
    try {
      ({ head, rest } = await readHead(socket, first));
    } catch {
      return socket.destroy();
    }
    if (!head) return answer(socket, { status: 400, message: 'malformed request' });
    // A manager reading an image to ship it from this node (where it was built): any image, as managers hold every task's spec anyway.
    const imageRead = imageReadRoute(head.method, head.url) !== undefined;
    const route = imageRead ? undefined : relayRoute(head.method, head.url);
    if (!route && !imageRead) return answer(socket, { status: 404, message: `${head.method} ${head.url.split('?')[0]} is not served through the relay` });
    let body: Buffer | undefined;
    if (!route?.hijack) {
      if (head.headers['transfer-encoding']) return answer(socket, { status: 400, message: 'the relay takes bodies with a Content-Length' });
      const length = Number(head.headers['content-length'] ?? 0);
      if (!Number.isInteger(length) || length < 0 || length > MAX_BODY) return answer(socket, { status: 400, message: 'bad Content-Length' });
      try {
        body = await readBytes(socket, rest, length);
      } catch {
        return socket.destroy();
      }
      rest = Buffer.alloc(0);
    }
    let checked: Checked | Refusal;
    try {
      checked = route ? await this.check(route, head, body) : { url: head.url };
    } catch (e) {
      return answer(socket, { status: 502, message: `Cannot connect to node ${this.nodeId}'s Docker daemon at ${this.engine.label}: ${(e as Error).message}` });
    }
    if ('status' in checked) {
      this.log.warn({ msg: 'relayed call refused', method: head.method, url: head.url, why: checked.message });
      return answer(socket, checked);
    }
    const docker = this.engine.connect();
    let flowing = false;
    // A task container started again in place: the worker holds its task's reports until the engine answers.
    const restart = checked.inPlace && this.deps.restartingInPlace(checked.inPlace.taskId, checked.inPlace.containerId, checked.url);
    let status: number | undefined;
    docker.once('data', (d: Buffer) => {
      flowing = true;
      status = answerStatus(d);
    });
    if (restart) docker.once('close', () => restart.answered(status));
    docker.on('error', (e) => {
      // Once dockerd has answered, an error is the connection closing under a late write: the answer stands.
      if (flowing) return socket.end();
      if (!socket.destroyed) answer(socket, { status: 502, message: `Cannot connect to node ${this.nodeId}'s Docker daemon at ${this.engine.label}: ${e.message}` });
    });
    socket.on('close', () => docker.destroy());
    docker.on('connect', () => {
      if (route?.hijack) {
        docker.write(Buffer.concat([Buffer.from(serializeHead(head, checked.url, {}), 'latin1'), rest]));
        socket.pipe(docker);
      } else {
        const b = checked.body ?? Buffer.alloc(0);
        const h = serializeHead(head, checked.url, { Connection: 'close', 'Content-Length': String(b.length), [NODE_HEADER]: undefined, [ONEOFF_RESOURCES_HEADER]: undefined });
        docker.write(Buffer.concat([Buffer.from(h, 'latin1'), b]));
      }
      docker.pipe(socket);
    });
  }

  private async check(route: RelayRoute, head: RequestHead, body: Buffer | undefined): Promise<Checked | Refusal> {
    const t = route.target;
    if (t.kind === 'create') {
      const v = createVerdict((body ?? Buffer.alloc(0)).toString('utf8'), this.nodeId);
      if ('status' in v) return v;
      // The manager named what of the cluster's it needs (its networks, its volumes): made here first.
      const needs = decodeOneOffResources(head.headers[ONEOFF_RESOURCES_HEADER]);
      if (needs && this.deps.prepareOneOff) {
        try {
          await this.deps.prepareOneOff(needs);
        } catch (e) {
          return { status: 500, message: (e as Error).message };
        }
      }
      return { url: head.url, body: Buffer.from(v.body) };
    }
    if (t.kind === 'container' && head.method === 'POST' && /\/exec$/.test(head.url.split('?')[0])) {
      const why = execVerdict((body ?? Buffer.alloc(0)).toString('utf8'));
      if (why) return why;
    }
    let containerRef = t.id;
    if (t.kind === 'exec') {
      const ex = await this.engine.findJson<{ ContainerID: string }>(`/exec/${t.id}/json`);
      if (!ex) return containerVerdict(t, head.method, undefined, () => false, this.nodeId)!;
      containerRef = ex.ContainerID;
    }
    const c = await this.engine.findJson<{ Id: string; Config?: { Labels?: Record<string, string> } }>(`/containers/${encodeURIComponent(containerRef)}/json`);
    const labels = c?.Config?.Labels ?? {};
    const why = containerVerdict(t, head.method, c && { Id: c.Id, Labels: labels }, (id) => this.deps.isTaskContainer(id), this.nodeId);
    if (why) return why;
    const url = t.kind === 'container' ? withContainerId(head.url, t.id, c!.Id) : head.url;
    // A one-off (compose `run`) is started as the caller likes; a task's container only while its task is wanted running.
    if (t.kind === 'container' && startsInPlace(head.method, head.url) && labels[RELAY_ONEOFF_LABEL] !== this.nodeId) {
      const task = this.deps.taskOfContainer(c!.Id);
      const refused = inPlaceVerdict(t.id, task, this.nodeId);
      if (refused) return refused;
      return { url, body, inPlace: { taskId: task!.id, containerId: c!.Id } };
    }
    return { url, body };
  }
}

/** Bytes until the end of the request head; the head and what followed it. */
function readHead(socket: Socket, first: Buffer): Promise<{ head?: RequestHead; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = first;
    const done = (): boolean => {
      const i = buf.indexOf('\r\n\r\n');
      if (i < 0) {
        if (buf.length > MAX_HEAD) {
          cleanup();
          reject(new Error('request head too large'));
          return true;
        }
        return false;
      }
      cleanup();
      resolve({ head: parseRequestHead(buf.subarray(0, i).toString('latin1')), rest: buf.subarray(i + 4) });
      return true;
    };
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      done();
    };
    const onEnd = () => {
      cleanup();
      reject(new Error('closed before the request head'));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
    };
    if (done()) return;
    socket.on('data', onData);
    socket.on('end', onEnd);
  });
}

/** Exactly `n` bytes of body, starting with what already came. */
function readBytes(socket: Socket, first: Buffer, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = first;
    const check = (): boolean => {
      if (buf.length < n) return false;
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      resolve(buf.subarray(0, n));
      return true;
    };
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      check();
    };
    const onEnd = () => reject(new Error('closed before the request body'));
    if (check()) return;
    socket.on('data', onData);
    socket.on('end', onEnd);
  });
}
