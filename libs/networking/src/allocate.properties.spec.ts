import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TaskState } from '@flotilla/contracts';
import { del, put } from '@flotilla/state';
import { planNetworkAllocations } from './allocate';
import { addressOf } from './ipv4';
import { allocationOf, holdsAddress, isAssignable, taskAddress } from './network-allocation';
import { Store, create, network, task } from './test-fixtures';

/** Two networks: a roomy pool one, and a user /28 (13 task addresses) that runs out. */
const NETS = ['big', 'small'];

type Action =
  | { a: 'add'; nets: string[]; k: number }
  | { a: 'end'; i: number; state: TaskState }
  | { a: 'start'; i: number }
  | { a: 'delete'; i: number }
  | { a: 'plan' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ a: fc.constant('add' as const), nets: fc.subarray(NETS, { minLength: 1 }), k: fc.integer({ min: 1, max: 6 }) }), weight: 4 },
  { arbitrary: fc.record({ a: fc.constant('end' as const), i: fc.nat(), state: fc.constantFrom<TaskState>('complete', 'failed', 'shutdown', 'rejected', 'orphaned') }), weight: 2 },
  { arbitrary: fc.record({ a: fc.constant('start' as const), i: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ a: fc.constant('delete' as const), i: fc.nat() }), weight: 1 },
  { arbitrary: fc.constant({ a: 'plan' as const }), weight: 3 },
);

describe('planNetworkAllocations: properties', () => {
  it('no address twice among live tasks, always inside the subnet and never network/broadcast/gateway, never changed, idempotent', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 80 }), (actions) => {
        const s = new Store();
        s.commit([create('network', network('big', {}, '1')), create('network', network('small', { IPAMOptions: { Configs: [{ Subnet: '10.77.0.16/28' }] } }, '2'))]);
        const seen = new Map<string, string>();
        let n = 0;
        const pick = (i: number) => {
          const ids = [...s.sm.tasks.keys()].sort();
          return ids.length ? s.sm.tasks.get(ids[i % ids.length]) : undefined;
        };
        const check = () => {
          for (const netId of NETS) {
            const alloc = allocationOf(s.sm.networks.get(netId)!);
            if (!alloc) continue;
            const live = new Set<number>();
            for (const t of s.sm.tasks.values()) {
              const addr = taskAddress(t, netId);
              if (!addr) continue;
              const ip = addressOf(addr)!;
              expect(isAssignable(alloc, ip), addr).toBe(true);
              expect(addr.endsWith(`/${alloc.subnet.prefix}`)).toBe(true);
              const key = `${t.ID}/${netId}`;
              expect(seen.get(key) ?? addr).toBe(addr);
              seen.set(key, addr);
              if (!holdsAddress(t)) continue;
              expect(live.has(ip), `${addr} twice`).toBe(false);
              live.add(ip);
            }
          }
        };
        for (const act of actions) {
          if (act.a === 'add') s.commit(Array.from({ length: act.k }, () => create('task', task(`t${String(n++).padStart(3, '0')}`, 's', act.nets))));
          else if (act.a === 'plan') s.commit(planNetworkAllocations(s.sm));
          else {
            const t = pick(act.i);
            if (!t) continue;
            if (act.a === 'delete') s.commit([del('task', t.ID)]);
            else {
              const state: TaskState = act.a === 'start' ? 'running' : act.state;
              s.commit([put('task', { ...t, Status: { ...t.Status, State: state } }, t.Version.Index)]);
            }
          }
          check();
        }
        for (let i = 0; i < 3; i++) s.commit(planNetworkAllocations(s.sm));
        check();
        // Freed addresses come back: a live, not yet started task goes without one only when the subnet is full.
        for (const [netId, capacity] of [['big', 253], ['small', 13]] as const) {
          const live = [...s.sm.tasks.values()].filter((t) => holdsAddress(t) && t.Spec.Networks?.some((x) => x.Target === netId));
          const waiting = live.filter((t) => t.Status.State === 'new' && !taskAddress(t, netId));
          if (waiting.length) expect(live.filter((t) => taskAddress(t, netId)).length).toBe(capacity);
        }
        expect(planNetworkAllocations(s.sm)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
