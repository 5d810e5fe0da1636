import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import {
  LOG_REQUEST_MAX_AGE_MS,
  logCancelChannel,
  logDataChannel,
  logRequestChannel,
  logRequestPayload,
  signedByCluster,
  type LogFrame,
  type LogRequest,
} from '@flotilla/contracts';
import type { DockerAdapter } from '../docker/docker.adapter';

/**
 * Answers the manager's log requests for this node's containers, over Redis
 * pub/sub: the worker dials out, so nothing needs to reach the worker.
 */
export class LogServer {
  private readonly log = new Logger(LogServer.name);
  private readonly active = new Map<string, () => void>();

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly docker: DockerAdapter,
    private readonly containerOf: (taskId: string) => string | undefined,
    private readonly nodeSecret: () => string | undefined,
  ) {}

  async start(nodeId: string) {
    this.sub.on('message', (channel: string, msg: string) => {
      if (channel === logRequestChannel(nodeId)) void this.handle(msg);
      else if (channel.startsWith('flotilla-logs-cancel-')) this.active.get(channel)?.();
    });
    await this.sub.subscribe(logRequestChannel(nodeId));
  }

  stop() {
    for (const c of this.active.values()) c();
  }

  private async handle(msg: string) {
    let req: LogRequest;
    try {
      req = JSON.parse(msg) as LogRequest;
      if (typeof req.reqId !== 'string' || !/^[0-9a-f]{8,64}$/.test(req.reqId) || !Array.isArray(req.taskIds)) return;
      // Anyone who can publish on Redis could ask for logs: only requests the cluster signed, and recent ones, are served.
      const secret = this.nodeSecret();
      if (!secret || !Number.isSafeInteger(req.at) || Math.abs(Date.now() - req.at) > LOG_REQUEST_MAX_AGE_MS || !signedByCluster(secret, 'logs', logRequestPayload(req), req.sig)) {
        this.log.warn({ msg: 'log request not signed by the cluster (or stale); dropped', reqId: req.reqId });
        return;
      }
    } catch {
      return;
    }
    const channel = logDataChannel(req.reqId);
    const send = (f: LogFrame) => void this.pub.publish(channel, JSON.stringify(f)).catch(() => undefined);
    const stops: (() => void)[] = [];
    const cancelChannel = logCancelChannel(req.reqId);
    this.active.set(cancelChannel, () => stops.forEach((s) => s()));
    await this.sub.subscribe(cancelChannel).catch(() => undefined);
    try {
      await Promise.all(
        req.taskIds.map(async (taskId) => {
          try {
            // A task just started may not be recorded yet (its start is still being reported): ask the engine.
            const cid = this.containerOf(taskId) ?? (await this.docker.containerOfTask(taskId));
            if (!cid) return;
            const { stdout, stderr, stop } = await this.docker.logs(cid, {
              follow: !!req.follow,
              tail: req.tail,
              timestamps: !!req.timestamps,
            });
            stops.push(stop);
            await Promise.all([pump(stdout, 'stdout', taskId, send), pump(stderr, 'stderr', taskId, send)]);
          } catch (e) {
            send({ t: 'error', message: `logs of task ${taskId}: ${(e as Error).message}` });
          } finally {
            // This task's lines are all sent: `compose up` prints its `exited with code` after them.
            send({ t: 'end', taskId });
          }
        }),
      );
    } finally {
      this.active.delete(cancelChannel);
      void this.sub.unsubscribe(cancelChannel).catch(() => undefined);
      send({ t: 'end' });
    }
  }
}

async function pump(stream: Readable, name: 'stdout' | 'stderr', taskId: string, send: (f: LogFrame) => void) {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of rl) send({ t: 'line', taskId, stream: name, line });
}
