import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { EventMessage, TimedEvent } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { CLOCK, STATE_STORE, type Clock } from '../tokens';
import { ManagersService } from '../cluster/managers.service';
import { EventsService } from '../events/events.service';
import { serviceDetail, type ServiceDetail } from './console-view';
import { diffWire, WireBuilder, type WireBuild, type WireIndex, type WireView } from './console-wire';

/** At most one diff per this many ms, however fast the store changes (a 1,000-node cluster heartbeats a lot). */
export const SNAPSHOT_EVERY_MS = 200;
/** Events a page gets when it connects, so it does not start empty. */
export const RECENT_EVENTS = 50;

/** The cluster's events; this engine's local ones (any container on the host, flotilla's or not) stay out. */
const isClusterEvent = (e: TimedEvent) => e.message.scope === 'swarm';

/** One server-sent event, serialised once for every page that follows. */
export interface FeedMessage {
  type: 'diff' | 'event';
  json: string;
}
export type FeedListener = (m: FeedMessage) => void;

/**
 * What the open console pages follow: a page joins with the whole (compact)
 * view, then gets what changed since, throttled and built once for every page,
 * and the cluster's events. Nothing is computed while no page is open.
 */
@Injectable()
export class ConsoleFeedService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(ConsoleFeedService.name);
  private readonly listeners = new Set<FeedListener>();
  private readonly streams = new Set<{ close(): void }>();
  private unwatch?: () => void;
  private unevents?: () => void;
  private timer?: NodeJS.Timeout;
  private lastSent = 0;
  /** Every view gets the next number; a page applies only diffs numbered after the view it holds. */
  private seq = 0;
  /** The view every following page holds now: the next diff is taken from it. */
  private base?: WireIndex;
  private readonly builder = new WireBuilder();

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly managers: ManagersService,
    private readonly events: EventsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.unwatch = this.store.watch(() => this.changed());
    // Leadership moves without a batch the page would see otherwise (node ls's Leader column).
    const unleader = this.store.onLeaderChange(() => this.changed());
    const unevents = this.events.subscribe((e) => {
      if (isClusterEvent(e)) this.send({ type: 'event', json: JSON.stringify(e.message) });
    });
    this.unevents = () => {
      unleader();
      unevents();
    };
  }

  onModuleDestroy() {
    // Before the HTTP server closes: it waits for every open connection, and a page's stream never ends by itself.
    for (const s of this.streams) s.close();
    this.streams.clear();
    this.unwatch?.();
    this.unevents?.();
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  /** The overview's compact view now. */
  wire(): WireView {
    return this.build(this.seq).view;
  }

  private build(q: number): WireBuild {
    const view = this.store.view();
    return this.builder.build(view, [...view.nodes.values()].map((n) => this.managers.withLiveStatus(n)), q);
  }

  /** One service's row and its tasks in full (the service page), or undefined. */
  service(idOrName: string): ServiceDetail | undefined {
    return serviceDetail(this.store.view(), idOrName);
  }

  /** The latest events this manager kept, oldest first. */
  recentEvents(): EventMessage[] {
    return this.events
      .history(0n, undefined, isClusterEvent)
      .slice(-RECENT_EVENTS)
      .map((e) => e.message);
  }

  /**
   * A page starts following: it gets the whole view now (serialised), then every diff and event
   * until `leave`. The pages already following are brought to the same view first, so one base
   * serves them all.
   */
  join(listener: FeedListener): { json: string; leave: () => void } {
    const { view, index } = this.build(++this.seq);
    const d = this.base && diffWire(this.base, index, view.q);
    if (d) this.send({ type: 'diff', json: JSON.stringify(d) });
    this.base = index;
    this.listeners.add(listener);
    return {
      json: JSON.stringify(view),
      leave: () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.base = undefined;
      },
    };
  }

  /** An open stream to end when the manager stops; returns the function that forgets it. */
  track(stream: { close(): void }): () => void {
    this.streams.add(stream);
    return () => this.streams.delete(stream);
  }

  private changed() {
    if (this.listeners.size === 0 || this.timer) return;
    const wait = Math.max(0, this.lastSent + SNAPSHOT_EVERY_MS - this.clock.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastSent = this.clock.now();
      if (this.listeners.size === 0 || !this.base) return;
      const { index } = this.build(++this.seq);
      const d = diffWire(this.base, index, this.seq);
      this.base = index;
      if (d) this.send({ type: 'diff', json: JSON.stringify(d) });
    }, wait);
  }

  private send(m: FeedMessage) {
    for (const l of this.listeners) {
      try {
        l(m);
      } catch (err) {
        this.log.error({ msg: 'console listener failed', err: (err as Error).message });
      }
    }
  }
}
