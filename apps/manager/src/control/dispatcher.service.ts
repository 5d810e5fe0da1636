import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  ASSIGNMENTS_CHANGED,
  QUEUE_PREFIX,
  nodeQueueName,
  type AssignmentsChangedJob,
  type Task,
} from '@flotilla/contracts';
import type { ChangeEvent, StateStore } from '@flotilla/state';
import { STATE_STORE } from '../tokens';
import { REDIS } from './redis.provider';

/**
 * Rings a node's doorbell when its assignment set changes. The job carries
 * only the node id and the store index: the worker fetches its full set from
 * the manager, so the queue never holds state the store does not.
 */
@Injectable()
export class DispatcherService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(DispatcherService.name);
  private readonly queues = new Map<string, Queue>();
  private dirty = new Map<string, number>();
  private scheduled = false;
  private unwatch?: () => void;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  private readonly onRedisReady = () => this.ringAll();

  onModuleInit() {
    this.unwatch = this.store.watch((e) => this.onChange(e));
    // Rings lost while Redis was away (or an emptied Redis) are made good on reconnect.
    this.redis.on('ready', this.onRedisReady);
  }

  async onModuleDestroy() {
    this.unwatch?.();
    this.redis.off('ready', this.onRedisReady);
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }

  /** Rings every node: used when a worker (re)connects and after a manager restart. */
  ringAll(): void {
    for (const id of this.store.view().nodes.keys()) this.mark(id, this.store.view().index);
  }

  ring(nodeId: string): void {
    this.mark(nodeId, this.store.view().index);
  }

  private onChange(e: ChangeEvent) {
    let everyone = false;
    for (const c of e.changes) {
      if (c.kind === 'task') {
        const b = c.before as Task | undefined;
        const a = c.after as Task | undefined;
        if (!assignmentChanged(b, a)) continue;
        if (b?.NodeID) this.mark(b.NodeID, e.index);
        if (a?.NodeID) this.mark(a.NodeID, e.index);
      } else if (c.kind === 'network' || c.kind === 'volume') {
        everyone = true;
      }
    }
    if (everyone) for (const id of this.store.view().nodes.keys()) this.mark(id, e.index);
  }

  private mark(nodeId: string, index: number) {
    this.dirty.set(nodeId, index);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush() {
    this.scheduled = false;
    const batch = this.dirty;
    this.dirty = new Map();
    await Promise.all(
      [...batch].map(async ([nodeId, index]) => {
        const data: AssignmentsChangedJob = { nodeId, index };
        try {
          await this.queue(nodeId).add(ASSIGNMENTS_CHANGED, data, {
            // Unique per index: a completed job with the same id would swallow a new add (bullmq #1337).
            jobId: `a-${index}`,
            removeOnComplete: true,
            removeOnFail: { count: 100 },
            attempts: 3,
            backoff: { type: 'exponential', delay: 200 },
          });
        } catch (e) {
          // The store is the truth: workers also resync periodically, so a lost ring only delays.
          this.log.warn({ msg: 'doorbell failed', nodeId, index, err: (e as Error).message });
        }
      }),
    );
  }

  private queue(nodeId: string): Queue {
    let q = this.queues.get(nodeId);
    if (!q) {
      q = new Queue(nodeQueueName(nodeId), { connection: this.redis, prefix: QUEUE_PREFIX });
      q.on('error', (e) => this.log.warn({ msg: 'queue error', nodeId, err: e.message }));
      this.queues.set(nodeId, q);
    }
    return q;
  }
}

/** Only what a worker acts on rings its bell; status reports the worker itself sent do not. */
export function assignmentChanged(b: Task | undefined, a: Task | undefined): boolean {
  if (!b || !a) return true;
  return b.NodeID !== a.NodeID || b.DesiredState !== a.DesiredState || b.Spec !== a.Spec;
}
