import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { TimedEvent } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { CLOCK, MANAGER_CONFIG, STATE_STORE, type Clock } from '../tokens';
import type { ManagerConfig } from '../config';
import { swarmEvents } from './swarm-events';
import { EventRing, replay } from './event-history';
import { LocalEngineEvents } from './local-engine.adapter';

/** How many events of each source `since` can replay (Docker keeps 256 per engine). */
export const HISTORY_SIZE = 1024;

export type EventListener = (e: TimedEvent) => void;

/**
 * This manager's event source: the swarm events of every batch its own store
 * applies (so any manager reports the whole cluster's changes) merged with its
 * own engine's local events. The `/events` endpoint reads it; anything else
 * that wants a live feed (a console) can subscribe too.
 */
@Injectable()
export class EventsService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(EventsService.name);
  private readonly swarm = new EventRing(HISTORY_SIZE);
  private readonly local = new EventRing(HISTORY_SIZE);
  private readonly listeners = new Set<EventListener>();
  private unwatch?: () => void;
  private engine?: Pick<LocalEngineEvents, 'start' | 'stop'>;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  onModuleInit() {
    this.unwatch = this.store.watch((change) => {
      for (const e of swarmEvents(change, this.clock.now())) this.publish(this.swarm, e);
    });
    this.engine = this.followEngine(
      (e) => this.publish(this.local, e),
      (err, failures) => {
        // A manager without an engine (--no-worker elsewhere) still serves swarm events; say so once.
        if (failures === 1) this.log.warn({ msg: 'local engine events unavailable; retrying', err });
      },
    );
    this.engine.start();
  }

  onModuleDestroy() {
    this.unwatch?.();
    this.engine?.stop();
    this.listeners.clear();
  }

  /** Every event from now on, until the returned function is called. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Kept events in [since, until] that pass `keep`, oldest first; none when neither bound is given (as Docker). */
  history(since: bigint | undefined, until: bigint | undefined, keep: (e: TimedEvent) => boolean = () => true): TimedEvent[] {
    return replay([this.swarm, this.local], since, until, keep);
  }

  /** The edge to this manager's Docker engine; a unit test puts a fake in its place. */
  protected followEngine(onEvent: (e: TimedEvent) => void, onTrouble: (err: string, failures: number) => void): Pick<LocalEngineEvents, 'start' | 'stop'> {
    return new LocalEngineEvents(this.config.dockerHost, onEvent, onTrouble);
  }

  private publish(ring: EventRing, e: TimedEvent) {
    ring.push(e);
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error({ msg: 'event listener failed', err: (err as Error).message });
      }
    }
  }
}
