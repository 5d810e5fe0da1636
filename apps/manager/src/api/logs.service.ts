import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  logCancelChannel,
  logDataChannel,
  logRequestChannel,
  type LogFrame,
  type LogRequest,
  type Task,
  logRequestPayload,
  nodeSecret,
  signForNode,
} from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { REDIS } from '../control/redis.provider';
import { STATE_STORE } from '../tokens';

/**
 * Container logs live on the nodes. The manager asks each node over Redis
 * pub/sub (workers only ever dial out) and relays the frames it gets back.
 */
@Injectable()
export class LogsService implements OnModuleDestroy {
  private sub?: Redis;
  private readonly handlers = new Map<string, (f: LogFrame) => void>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(STATE_STORE) private readonly store: StateStore,
  ) {}

  async onModuleDestroy() {
    this.sub?.disconnect();
  }

  /**
   * Streams the logs of `tasks` to `onFrame` until every node has sent its
   * end (or, when following, until `cancel()` is called).
   */
  async stream(
    tasks: Task[],
    opts: { follow: boolean; tail?: number; timestamps: boolean },
    onFrame: (f: LogFrame) => void,
  ): Promise<{ done: Promise<void>; cancel: () => void }> {
    const byNode = new Map<string, string[]>();
    for (const t of tasks) if (t.NodeID) byNode.set(t.NodeID, [...(byNode.get(t.NodeID) ?? []), t.ID]);
    const reqId = randomBytes(12).toString('hex');
    const channel = logDataChannel(reqId);
    let remaining = byNode.size;
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    if (remaining === 0) finish();
    const sub = await this.subscriber();
    this.handlers.set(channel, (f) => {
      if (f.t === 'end' && f.taskId === undefined) {
        if (--remaining <= 0) finish();
        return;
      }
      onFrame(f);
    });
    await sub.subscribe(channel);
    for (const [nodeId, taskIds] of byNode) {
      const key = this.store.view().cluster?.NodeKey ?? '';
      const unsigned = { reqId, taskIds, follow: opts.follow, tail: opts.tail, timestamps: opts.timestamps, at: Date.now() };
      const req: LogRequest = { ...unsigned, sig: signForNode(nodeSecret(key, nodeId), 'logs', logRequestPayload(unsigned)) };
      const listeners = await this.redis.publish(logRequestChannel(nodeId), JSON.stringify(req));
      if (listeners === 0) {
        onFrame({ t: 'error', message: `node ${nodeId} is not connected; its logs are unavailable` });
        if (--remaining <= 0) finish();
      }
    }
    const cleanup = () => {
      this.handlers.delete(channel);
      void sub.unsubscribe(channel).catch(() => undefined);
    };
    void done.then(cleanup);
    const cancel = () => {
      void this.redis.publish(logCancelChannel(reqId), '1').catch(() => undefined);
      finish();
    };
    return { done, cancel };
  }

  private async subscriber(): Promise<Redis> {
    if (this.sub) return this.sub;
    // No ready check: its INFO, sent once connected, fails if our first SUBSCRIBE already went out
    // (ioredis 5.11 writes it during the connection's client-info round), and that stream got nothing.
    const sub = this.redis.duplicate({ enableOfflineQueue: true, enableReadyCheck: false });
    sub.on('error', () => undefined);
    sub.on('message', (channel: string, message: string) => {
      const h = this.handlers.get(channel);
      if (!h) return;
      try {
        h(JSON.parse(message) as LogFrame);
      } catch {
        // A malformed frame from a node is dropped, never relayed.
      }
    });
    this.sub = sub;
    return sub;
  }
}
