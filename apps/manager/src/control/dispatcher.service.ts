import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  ASSIGNMENTS_CHANGED,
  QUEUE_PREFIX,
  nodeQueueName,
  type AssignmentsChangedJob,
  type Service,
  type Task,
  doorbellPayload,
  nodeSecret,
  signForNode,
} from '@flotilla/contracts';
import type { ChangeEvent, StateStore } from '@flotilla/state';
import { isMeshPort, nodesOnNetworks } from '@flotilla/networking';
import { STATE_STORE } from '../tokens';
import { REDIS } from './redis.provider';
import { RingLedger } from './ring-ledger';
import { ringGapFor } from './ring-pace';

/** Changes gathered before the bells ring (swarmkit's dispatcher batches for 100 ms). */
const BATCH_MS = 50;
/** Least time between two rings of every node for routing-mesh changes. */
const MESH_RING_MS = 1_000;
/** A doorbell not answered by a fetch within this long is rung again (a lost job, say). */
const RING_STALE_MS = 5_000;
/**
 * Doorbells per flush, and the pause before the next flush rings the rest: each ring brings a
 * fetch and then a report, and a pass that committed 50k tasks rang 500 nodes at once, whose
 * fetches then arrived together and held the leader's event loop for one long turn. Paced, the
 * same fetches come spread (up to 1,000 nodes a second, far above what they need).
 */
const RINGS_PER_FLUSH = 25;
const RING_PACE_MS = 25;

/**
 * Rings a node's doorbell when its assignment set changes. The job carries
 * only the node id and the store index: the worker fetches its full set from
 * the manager, so the queue never holds state the store does not.
 *
 * Only the leader rings (workers talk to it), and a node whose bell is already
 * ringing is not rung again until it has fetched: the fetch that answers the
 * first ring returns the whole set as it is then, later changes included.
 * Without this a 100k-task plan committed in 2,000-task chunks rang every one
 * of 1,000 nodes fifty times, and each ring cost a full-set fetch.
 */
@Injectable()
export class DispatcherService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(DispatcherService.name);
  private readonly queues = new Map<string, Queue>();
  private readonly ledger = new RingLedger();
  private dirty = new Set<string>();
  /** Overlay networks whose tasks came or went: every node on them gets a new name table. */
  private dirtyNetworks = new Set<string>();
  /** A service with ingress ports started or stopped running somewhere: every node's mesh changed. */
  private meshDirty = false;
  private meshTimer?: NodeJS.Timeout;
  private lastMeshRing = -Infinity;
  private timer?: NodeJS.Timeout;
  private lastFlush = -Infinity;
  /** Nodes with news whose unanswered bell holds them back, looked at again when it counts as lost. */
  private waiting = new Set<string>();
  private retryTimer?: NodeJS.Timeout;
  private retryDue = Infinity;
  private unwatch?: () => void;
  /** Told, for each fetch that answers a bell, how long after the ring it came (seconds): the manager's metrics. */
  onAnswered: ((seconds: number) => void) | null = null;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  private readonly onRedisReady = () => this.ringAll();

  onModuleInit() {
    // A new leader rings everyone once (ManagerModule calls ringAll): it knows nothing of the bells its predecessor rang.
    this.unwatch = this.store.watch((e) => this.onChange(e));
    // Rings lost while Redis was away (or an emptied Redis) are made good on reconnect.
    this.redis.on('ready', this.onRedisReady);
  }

  async onModuleDestroy() {
    this.unwatch?.();
    clearTimeout(this.timer);
    clearTimeout(this.meshTimer);
    clearTimeout(this.retryTimer);
    this.redis.off('ready', this.onRedisReady);
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }

  /** Bells may have been lost (Redis back, possibly empty; a new leader): every node not served up to now is rung again. */
  ringAll(): void {
    const index = this.store.view().index;
    for (const id of this.store.view().nodes.keys()) {
      this.ledger.resend(id, index);
      this.dirty.add(id);
    }
    this.flushSoon();
  }

  /** Rings a node now, whatever bell may still be ringing (a node that registers again has lost its set). */
  ring(nodeId: string, index = this.store.view().index): void {
    this.ledger.forget(nodeId);
    this.mark(nodeId, index);
  }

  /** A node was just given its full set as of `index`: every change up to there has reached it. */
  served(nodeId: string, index: number): void {
    const rungAt = this.ledger.served(nodeId, index);
    if (rungAt !== undefined) this.onAnswered?.((performance.now() - rungAt) / 1000);
    // A change that came while this fetch was on its way: ring for it now (else it waits for a retry or a resync).
    if (this.ledger.owes(nodeId)) {
      this.dirty.add(nodeId);
      this.flushSoon();
    }
  }

  /** Nodes whose assignment set changed and which have not fetched it yet. */
  pendingNodes(): number {
    return this.ledger.pendingCount();
  }

  private onChange(e: ChangeEvent) {
    let everyone = false;
    for (const c of e.changes) {
      if (c.kind === 'task') {
        const b = c.before as Task | undefined;
        const a = c.after as Task | undefined;
        if (meshChanged(b, a) && this.hasIngress(a?.ServiceID ?? b!.ServiceID)) this.markMesh();
        if (!assignmentChanged(b, a)) continue;
        if (b?.NodeID) this.mark(b.NodeID, e.index);
        if (a?.NodeID) this.mark(a.NodeID, e.index);
        for (const n of a?.Spec.Networks ?? b?.Spec.Networks ?? []) this.markNetwork(n.Target);
      } else if (c.kind === 'service') {
        if (ingressPortsChanged(c.before as Service | undefined, c.after as Service | undefined)) this.markMesh();
      } else if (c.kind === 'network' || c.kind === 'volume') {
        everyone = true;
      } else if (c.kind === 'node' && !c.after) {
        this.ledger.forget(c.id);
      }
    }
    if (everyone) for (const id of this.store.view().nodes.keys()) this.mark(id, e.index);
  }

  /** A removed service counts: its ports leave every node's mesh. */
  private hasIngress(serviceId: string): boolean {
    const svc = this.store.view().services.get(serviceId);
    return !svc || (svc.Spec.EndpointSpec?.Ports ?? []).some(isMeshPort);
  }

  /** Its own timer: a throttled mesh ring must not hold back the assignment rings behind it. */
  private markMesh() {
    if (this.meshDirty) return;
    this.meshDirty = true;
    const wait = Math.max(BATCH_MS, this.lastMeshRing + MESH_RING_MS - performance.now());
    this.meshTimer = setTimeout(() => this.ringMesh(), wait);
  }

  private ringMesh() {
    this.meshTimer = undefined;
    this.meshDirty = false;
    this.lastMeshRing = performance.now();
    // Every node answers every ingress port: all of them learn where its tasks run.
    const index = this.store.view().index;
    for (const nodeId of this.store.view().nodes.keys()) this.mark(nodeId, index);
  }

  private markNetwork(networkId: string) {
    this.dirtyNetworks.add(networkId);
    this.flushSoon();
  }

  private mark(nodeId: string, index: number) {
    this.ledger.changed(nodeId, index);
    this.dirty.add(nodeId);
    this.flushSoon();
  }

  /**
   * One batch timer: whatever is marked before it fires goes out in one flush. A dispatcher that
   * has not rung for a batch's length rings at once (the changes of this turn still go together):
   * a lone change, a `docker service scale` say, waited 50 ms for company that never came. A stream
   * of changes still rings at most once a batch.
   */
  private flushSoon(ms?: number) {
    if (this.timer) return;
    const wait = ms ?? Math.max(0, this.lastFlush + BATCH_MS - performance.now());
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  private async flush() {
    this.timer = undefined;
    this.lastFlush = performance.now();
    if (this.dirtyNetworks.size > 0) {
      // Once per batch, not per change: a network's nodes are found by walking its services' tasks.
      const nets = this.dirtyNetworks;
      this.dirtyNetworks = new Set();
      const index = this.store.view().index;
      for (const nodeId of nodesOnNetworks(this.store.view(), nets)) {
        this.ledger.changed(nodeId, index);
        this.dirty.add(nodeId);
      }
    }
    const batch = this.dirty;
    this.dirty = new Set();
    // Followers do not ring: the workers fetch from the leader, which rings for every change.
    if (!this.store.isWritable()) return;
    const index = this.store.view().index;
    const now = performance.now();
    const gap = ringGapFor(this.store.view().nodes.size);
    const due: string[] = [];
    for (const nodeId of batch) {
      if (due.length >= RINGS_PER_FLUSH) {
        // Rung by a later flush (still owed in the ledger).
        this.dirty.add(nodeId);
        continue;
      }
      if (this.ledger.shouldRing(nodeId, index, now, RING_STALE_MS, gap)) due.push(nodeId);
      else this.waitOn(nodeId, gap);
    }
    if (this.dirty.size > 0) this.flushSoon(RING_PACE_MS);
    await Promise.all(
      due.map(async (nodeId) => {
        const key = this.store.view().cluster?.NodeKey;
        if (!key) return;
        const data: AssignmentsChangedJob = { nodeId, index, sig: signForNode(nodeSecret(key, nodeId), 'doorbell', doorbellPayload(nodeId, index)) };
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
          // Not rung after all: the next change rings again. Workers also resync periodically.
          this.ledger.unrung(nodeId);
          this.log.warn({ msg: 'doorbell failed', nodeId, index, err: (e as Error).message });
        }
      }),
    );
  }

  /**
   * Without this a node whose bell went unheeded (its worker held a set at that
   * index already) would hear of the next change only at its own resync; a node
   * held back by the pace between its rings is rung once the pace allows.
   */
  private waitOn(nodeId: string, gap: number) {
    const at = this.ledger.retryAt(nodeId, RING_STALE_MS, gap);
    if (at === undefined) return;
    this.waiting.add(nodeId);
    if (this.retryTimer && this.retryDue <= at) return;
    clearTimeout(this.retryTimer);
    this.retryDue = at;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.retryDue = Infinity;
        // Those not due yet wait again, on a timer of their own.
        for (const id of this.waiting) this.dirty.add(id);
        this.waiting = new Set();
        this.flushSoon(0);
      },
      Math.max(BATCH_MS, at - performance.now()),
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

/** Whether a task started or stopped counting as a routing-mesh backend (running on its node). */
export function meshChanged(b: Task | undefined, a: Task | undefined): boolean {
  const serving = (t: Task | undefined) => !!t && t.DesiredState === 'running' && t.Status.State === 'running';
  return serving(b) !== serving(a);
}

/** Whether a service's ingress ports (what every node listens on) differ between two versions of it. */
export function ingressPortsChanged(b: Service | undefined, a: Service | undefined): boolean {
  const ports = (s: Service | undefined) =>
    JSON.stringify((s?.Spec.EndpointSpec?.Ports ?? []).filter(isMeshPort).map((p) => [p.PublishedPort, p.TargetPort, p.HostIP]));
  return ports(b) !== ports(a);
}
