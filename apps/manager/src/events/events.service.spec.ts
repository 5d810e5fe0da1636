import { describe, expect, it } from 'vitest';
import type { EventMessage, Network, TimedEvent } from '@flotilla/contracts';
import type { ChangeEvent, StateStore } from '@flotilla/state';
import type { ManagerConfig } from '../config';
import { EventsService } from './events.service';

class FakeStore {
  listener?: (e: ChangeEvent) => void;
  watch(l: (e: ChangeEvent) => void) {
    this.listener = l;
    return () => (this.listener = undefined);
  }
}

/** The service with a fake store and a fake engine stream in place of Docker. */
class TestEvents extends EventsService {
  engineEmit?: (e: TimedEvent) => void;
  started = false;
  stopped = false;
  protected override followEngine(onEvent: (e: TimedEvent) => void) {
    this.engineEmit = onEvent;
    return { start: () => void (this.started = true), stop: () => void (this.stopped = true) };
  }
}

const NOW = 1_796_358_000_000;
const net = (name: string, at: string): Network => ({ ID: `id-${name}`, Version: { Index: 1 }, CreatedAt: at, UpdatedAt: at, Spec: { Name: name } }) as unknown as Network;
const local = (n: bigint): TimedEvent => ({
  message: { Type: 'container', Action: 'start', Actor: { ID: 'c1', Attributes: {} }, scope: 'local', time: Number(n / 1_000_000_000n), timeNano: Number(n) } as EventMessage,
  nanos: n,
});

function setup() {
  const store = new FakeStore();
  const svc = new TestEvents(store as unknown as StateStore, { now: () => NOW }, { dockerHost: undefined } as ManagerConfig);
  svc.onModuleInit();
  return { store, svc };
}

describe('EventsService', () => {
  it('turns applied batches into swarm events for subscribers and history, merged with the engine events', () => {
    const { store, svc } = setup();
    expect(svc.started).toBe(true);
    const seen: string[] = [];
    const unsubscribe = svc.subscribe((e) => seen.push(`${e.message.scope} ${e.message.Type} ${e.message.Action}`));
    const t1 = new Date(NOW - 2000).toISOString();
    store.listener!({ index: 1, changes: [{ kind: 'network', id: 'id-a', after: net('a', t1) }] });
    svc.engineEmit!(local(BigInt(NOW - 1000) * 1_000_000n));
    store.listener!({ index: 2, changes: [{ kind: 'network', id: 'id-a', before: net('a', t1) }] });
    expect(seen).toEqual(['swarm network create', 'local container start', 'swarm network remove']);

    unsubscribe();
    store.listener!({ index: 3, changes: [{ kind: 'network', id: 'id-b', after: net('b', t1) }] });
    expect(seen).toHaveLength(3);

    const h = svc.history(BigInt(NOW - 3000) * 1_000_000n, undefined).map((e) => `${e.message.Type} ${e.message.Action} ${e.message.Actor.ID}`);
    // In time order: both creates at t1, then the container, then the remove (applied at NOW).
    expect(h).toEqual(['network create id-a', 'network create id-b', 'container start c1', 'network remove id-a']);
    expect(svc.history(undefined, undefined)).toEqual([]);
    expect(svc.history(0n, undefined, (e) => e.message.scope === 'local')).toHaveLength(1);
  });

  it('a failing subscriber does not stop the others', () => {
    const { store, svc } = setup();
    const seen: string[] = [];
    svc.subscribe(() => {
      throw new Error('boom');
    });
    svc.subscribe((e) => seen.push(e.message.Action));
    store.listener!({ index: 1, changes: [{ kind: 'network', id: 'id-a', after: net('a', new Date(NOW).toISOString()) }] });
    expect(seen).toEqual(['create']);
  });

  it('stops watching and following the engine on shutdown', () => {
    const { store, svc } = setup();
    svc.onModuleDestroy();
    expect(store.listener).toBeUndefined();
    expect(svc.stopped).toBe(true);
  });
});
