import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Op, StateStore } from '@flotilla/state';
import { CLOCK, MANAGER_CONFIG, STATE_STORE, type Clock } from '../tokens';
import type { ManagerConfig } from '../config';
import { heartbeatPeriodFor } from './heartbeat-period';
import { LivenessLedger } from './liveness-ledger';

/** How often the manager checks its own timers' lateness: the time it could not hear anyone. */
const DEAFNESS_TICK_MS = 250;

/**
 * Heartbeats stay in memory, as in swarmkit's dispatcher: only the ready/down
 * transitions are written to the store. A node is judged by the period it was
 * told, on a clock that stops while this manager was starved (LivenessLedger);
 * after a manager restart or a new leader every node gets a full grace period.
 */
@Injectable()
export class NodeLivenessService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(NodeLivenessService.name);
  private ledger!: LivenessLedger;
  /** Nodes whose `ready` is being proposed: one proposal per node, not one per beat. */
  private readonly readying = new Set<string>();
  private timer?: NodeJS.Timeout;
  private deafTimer?: NodeJS.Timeout;
  private unlead?: () => void;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  onModuleInit() {
    this.ledger = new LivenessLedger(this.clock.now(), this.config.heartbeatPeriodMs);
    // Judged after the poll phase (setImmediate), so beats that queued up while this manager was
    // busy are read before anyone is blamed for them.
    this.timer = setInterval(() => setImmediate(() => void this.check()), this.config.heartbeatPeriodMs);
    this.timer.unref();
    let due = performance.now() + DEAFNESS_TICK_MS;
    this.deafTimer = setInterval(() => {
      const now = performance.now();
      this.ledger.deaf(now - due);
      due = now + DEAFNESS_TICK_MS;
    }, DEAFNESS_TICK_MS);
    this.deafTimer.unref();
    // A new leader has heard no one yet: every node gets a full grace period from now.
    this.unlead = this.store.onLeaderChange((leader) => {
      if (leader) this.ledger.restart(this.clock.now());
    });
  }

  onModuleDestroy() {
    clearInterval(this.timer);
    clearInterval(this.deafTimer);
    this.unlead?.();
  }

  /** The period nodes are told now: the configured one, stretched in a large cluster. */
  period(): number {
    return heartbeatPeriodFor(this.store.view().nodes.size, this.config.heartbeatPeriodMs);
  }

  /** Records a sign of life; returns the period the node is to beat at from now on. */
  beat(nodeId: string): number {
    const period = this.period();
    this.ledger.seen(nodeId, this.clock.now(), period);
    const node = this.store.view().nodes.get(nodeId);
    if (node && node.Status.State !== 'ready' && this.store.isWritable() && !this.readying.has(nodeId)) {
      this.readying.add(nodeId);
      void this.mark([nodeId], 'ready', '').finally(() => this.readying.delete(nodeId));
    }
    return period;
  }

  private async check() {
    if (!this.store.isWritable()) return;
    const ready: string[] = [];
    for (const node of this.store.view().nodes.values()) if (node.Status.State === 'ready') ready.push(node.ID);
    const down = this.ledger.overdue(ready, this.clock.now());
    if (down.length > 0) await this.mark(down, 'down', 'heartbeat failure');
  }

  /** One proposal for all the nodes of one judgement. */
  private async mark(nodeIds: string[], state: 'ready' | 'down', message: string) {
    const at = new Date(this.clock.now()).toISOString();
    const ops: Op[] = nodeIds.map((nodeId) => ({ op: 'nodeState', nodeId, state, message, at }));
    try {
      await this.store.propose({ ops });
      for (const nodeId of nodeIds) this.log.log({ msg: 'node state', nodeId, state, message });
    } catch (e) {
      this.log.warn({ msg: 'could not record node state', nodes: nodeIds.length, state, err: (e as Error).message });
    }
  }
}
