import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { StateStore } from '@flotilla/state';
import { CLOCK, MANAGER_CONFIG, STATE_STORE, type Clock } from '../tokens';
import type { ManagerConfig } from '../config';
import { heartbeatPeriodFor } from './heartbeat-period';

/** A node silent for this many heartbeat periods is marked down (Docker uses a similar grace). */
const MISSED_BEATS = 3;

/**
 * Heartbeats stay in memory, as in swarmkit's dispatcher: only the ready/down
 * transitions are written to the store. After a manager restart every node
 * gets a full grace period before it can be marked down.
 */
@Injectable()
export class NodeLivenessService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(NodeLivenessService.name);
  private readonly lastSeen = new Map<string, number>();
  /** The heartbeat period each node was last told. */
  private readonly told = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private startedAt = 0;
  private lastCheck = 0;
  private unlead?: () => void;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  onModuleInit() {
    this.startedAt = this.clock.now();
    this.lastCheck = this.startedAt;
    this.timer = setInterval(() => void this.check(), this.config.heartbeatPeriodMs);
    this.timer.unref();
    // A new leader has heard no one yet: every node gets a full grace period from now.
    this.unlead = this.store.onLeaderChange((leader) => {
      if (!leader) return;
      this.startedAt = this.clock.now();
      this.lastCheck = this.startedAt;
      this.lastSeen.clear();
    });
  }

  onModuleDestroy() {
    clearInterval(this.timer);
    this.unlead?.();
  }

  /** The period nodes are told now: the configured one, stretched in a large cluster. */
  period(): number {
    return heartbeatPeriodFor(this.store.view().nodes.size, this.config.heartbeatPeriodMs);
  }

  /** Records a sign of life; returns the period the node is to beat at from now on. */
  beat(nodeId: string): number {
    this.lastSeen.set(nodeId, this.clock.now());
    const period = this.period();
    this.told.set(nodeId, period);
    const node = this.store.view().nodes.get(nodeId);
    if (node && node.Status.State !== 'ready') void this.mark(nodeId, 'ready', '');
    return period;
  }

  private async check() {
    if (!this.store.isWritable()) return;
    const now = this.clock.now();
    const limit = this.config.heartbeatPeriodMs * MISSED_BEATS;
    const lag = now - this.lastCheck - this.config.heartbeatPeriodMs;
    this.lastCheck = now;
    // A manager that was itself stalled (overload, a long GC) has not heard anyone: blame no node for it.
    if (lag > this.config.heartbeatPeriodMs) {
      for (const id of this.lastSeen.keys()) this.lastSeen.set(id, now);
      this.startedAt = now;
      this.log.warn({ msg: 'manager was stalled; heartbeat deadlines restarted', lagMs: lag });
      return;
    }
    for (const node of this.store.view().nodes.values()) {
      if (node.Status.State !== 'ready') continue;
      const seen = this.lastSeen.get(node.ID) ?? this.startedAt;
      // Judged by the period the node was last told: it may beat more slowly than today's.
      const told = this.told.get(node.ID) ?? this.period();
      if (now - seen > Math.max(limit, told * MISSED_BEATS)) await this.mark(node.ID, 'down', 'heartbeat failure');
    }
  }

  private async mark(nodeId: string, state: 'ready' | 'down', message: string) {
    try {
      await this.store.propose({
        ops: [{ op: 'nodeState', nodeId, state, message, at: new Date(this.clock.now()).toISOString() }],
      });
      this.log.log({ msg: 'node state', nodeId, state, message });
    } catch (e) {
      this.log.warn({ msg: 'could not record node state', nodeId, state, err: (e as Error).message });
    }
  }
}
