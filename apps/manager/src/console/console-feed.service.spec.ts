import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TimedEvent } from '@flotilla/contracts';
import type { ChangeEvent, StateStore, StateView } from '@flotilla/state';
import type { ManagersService } from '../cluster/managers.service';
import type { EventsService } from '../events/events.service';
import { ConsoleFeedService, SNAPSHOT_EVERY_MS, type FeedMessage } from './console-feed.service';
import type { WireView } from './console-wire';
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
  /** REPLICAS of each diff that changed a service. */
  const states = () => got.filter((m) => m.type === 'diff' && JSON.parse(m.json).services).map((m) => JSON.parse(m.json).services.up.map((s: { replicas: string }) => s.replicas));
  const join = () => feed.join((m) => got.push(m));

  it('builds nothing while no page follows', () => {
    store.apply(viewOf([web], []));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS * 2);
    expect(store.reads).toBe(0);
  });

  it('a page joins with the whole compact view', () => {
    store.apply(viewOf([web], [task(web, 1, 'running')]));
    const view = JSON.parse(join().json) as WireView;
    expect(view.services.map((s) => s.replicas)).toEqual(['1/3']);
    expect(view.tasks).toHaveLength(1);
  });

  it('many changes in a burst: one diff, to the latest state', () => {
    join();
    for (let running = 0; running <= 3; running++) store.apply(viewOf([web], [1, 2, 3].map((i) => task(web, i, i <= running ? 'running' : 'starting'))));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS);
    expect(states()).toEqual([['3/3']]);
  });

  it('the first change is sent at once; one soon after waits out the rest of the period', () => {
    join();
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
    join();
    const tasks = [task(web, 1, 'running')];
    store.apply(viewOf([web], tasks));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS);
    store.apply(viewOf([web], tasks));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS * 2);
    expect(states()).toEqual([['1/3']]);
  });

  it("passes the cluster's events on, not the host engine's own", () => {
    join();
    events.listener!(event('local', 'some-container'));
    events.listener!(event('swarm', 'web'));
    expect(got.filter((m) => m.type === 'event').map((m) => JSON.parse(m.json).Actor.ID)).toEqual(['web']);
  });

  it('a page joining brings the others to its view first: one base serves all, no change is lost', () => {
    join();
    store.apply(viewOf([web], [task(web, 1, 'running')]));
    const second: FeedMessage[] = [];
    const view = JSON.parse(feed.join((m) => second.push(m)).json) as WireView;
    // The change reached the first page before the throttle's timer, as a diff numbered as the second page's view.
    expect(states()).toEqual([['1/3']]);
    expect(JSON.parse(got[0].json).q).toBe(view.q);
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS);
    expect(got).toHaveLength(1);
    store.apply(viewOf([web], [task(web, 1, 'running'), task(web, 2, 'running')]));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS);
    expect(got.map((m) => m.json)).toContain(second[0].json);
    expect(JSON.parse(second[0].json).q).toBeGreaterThan(view.q);
  });

  it('stops sending to a page that went away', () => {
    join().leave();
    store.apply(viewOf([web], []));
    events.listener!(event('swarm', 'web'));
    vi.advanceTimersByTime(SNAPSHOT_EVERY_MS);
    expect(got).toEqual([]);
  });
});
