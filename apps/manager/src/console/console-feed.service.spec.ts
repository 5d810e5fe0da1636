import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TimedEvent } from '@flotilla/contracts';
import type { ChangeEvent, StateStore, StateView } from '@flotilla/state';
import type { ManagersService } from '../cluster/managers.service';
import type { EventsService } from '../events/events.service';
import { ConsoleFeedService, SNAPSHOT_EVERY_MS, type FeedMessage } from './console-feed.service';
import { rep, service, task, viewOf } from './test-fixtures';

/** A store whose view the test swaps, counting how often it is read. */
class FakeStore {
  current: StateView = viewOf([], []);
  reads = 0;
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  view = () => (this.reads++, this.current);
  watch = (l: (e: ChangeEvent) => void) => (this.listeners.add(l), () => this.listeners.delete(l));
  onLeaderChange = () => () => undefined;
  apply(v: StateView) {
    this.current = v;
    for (const l of this.listeners) l({ index: v.index, changes: [] });
  }
}

class FakeEvents {
  listener?: (e: TimedEvent) => void;
  subscribe = (l: (e: TimedEvent) => void) => ((this.listener = l), () => (this.listener = undefined));
  history = () => [];
}

const event = (scope: 'local' | 'swarm', name: string): TimedEvent => ({
  message: { Type: scope === 'swarm' ? 'service' : 'container', Action: 'update', Actor: { ID: name, Attributes: { name } }, scope, time: 1, timeNano: 1e9 },
  nanos: 1_000_000_000n,
});

describe('ConsoleFeedService', () => {
  let store: FakeStore;
  let events: FakeEvents;
  let feed: ConsoleFeedService;
  let got: FeedMessage[];

  beforeEach(() => {
    vi.useFakeTimers();
    store = new FakeStore();
    events = new FakeEvents();
    const managers = { withLiveStatus: (n: unknown) => n } as unknown as ManagersService;
    feed = new ConsoleFeedService(store as unknown as StateStore, managers, events as unknown as EventsService, { now: () => Date.now() });
    feed.onModuleInit();
    got = [];
  });
  afterEach(() => {
    feed.onModuleDestroy();
    vi.useRealTimers();
  });

  const web = service('web', rep(3));
  const states = () => got.filter((m) => m.type === 'state').map((m) => JSON.parse(m.json).services.map((s: { replicas: string }) => s.replicas));

  it('builds nothing while no page follows', () => {
    store.apply(viewOf([web], []));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS * 2);
    expect(store.reads).toBe(0);
  });

  it('many changes in a burst: one snapshot, of the latest state', () => {
    feed.subscribe((m) => got.push(m));
    for (let running = 0; running <= 3; running++) store.apply(viewOf([web], [1, 2, 3].map((i) => task(web, i, i <= running ? 'running' : 'starting'))));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS);
    expect(states()).toEqual([['3/3']]);
  });

  it('the first change is sent at once; one soon after waits out the rest of the period', () => {
    feed.subscribe((m) => got.push(m));
    store.apply(viewOf([web], [task(web, 1, 'running')]));
    vi.advanceTimersByTime(0);
    expect(states()).toEqual([['1/3']]);
    vi.advanceTimersByTime(50);
    store.apply(viewOf([web], [task(web, 1, 'running'), task(web, 2, 'running')]));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS - 51);
    expect(states()).toEqual([['1/3']]);
    vi.advanceTimersByTime(1);
    expect(states()).toEqual([['1/3'], ['2/3']]);
  });

  it('a batch that changes nothing the page shows sends nothing', () => {
    feed.subscribe((m) => got.push(m));
    const tasks = [task(web, 1, 'running')];
    store.apply(viewOf([web], tasks));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS);
    store.apply(viewOf([web], tasks));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS * 2);
    expect(states()).toEqual([['1/3']]);
  });

  it("passes the cluster's events on, not the host engine's own", () => {
    feed.subscribe((m) => got.push(m));
    events.listener!(event('local', 'some-container'));
    events.listener!(event('swarm', 'web'));
    expect(got.filter((m) => m.type === 'event').map((m) => JSON.parse(m.json).Actor.ID)).toEqual(['web']);
  });

  it('stops sending to a page that went away', () => {
    const off = feed.subscribe((m) => got.push(m));
    off();
    store.apply(viewOf([web], []));
    events.listener!(event('swarm', 'web'));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS);
    expect(got).toEqual([]);
  });
});
