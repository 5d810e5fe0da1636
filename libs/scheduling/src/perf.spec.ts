import { describe, expect, it } from 'vitest';
import type { Task } from '@flotilla/contracts';
import { reconcile } from './reconcile';
import { schedule } from './schedule';
import { T0, ids, node, nodeMap, reconcileInput, service, serviceMap, task } from './test-fixtures';

/** Sizes the lead runs at: times are printed for the record, never asserted. */
const report = (bench: string, ms: number, extra: Record<string, number>) =>
  console.log(JSON.stringify({ bench, ...extra, ms: Math.round(ms) }));

const nodes = Array.from({ length: 1000 }, (_, i) => node(`n${String(i).padStart(4, '0')}`, { labels: { zone: `z${i % 3}` } }));

describe('perf (printed, not asserted)', () => {
  it('schedules 100,000 pending tasks on 1,000 nodes', () => {
    const s = service('s', 100_000);
    const pending = Array.from({ length: 100_000 }, (_, i) => task(s, i + 1, 'new'));
    const t0 = performance.now();
    const plan = schedule({ nodes: nodeMap(nodes), services: serviceMap([s]), tasks: pending, pending });
    report('schedule', performance.now() - t0, { pending: 100_000, nodes: 1000 });
    expect(plan.assign).toHaveLength(100_000);
  }, 120_000);

  it('schedules 10,000 pending tasks of 100 services with spread and reservations next to 90,000 running ones', () => {
    const svcs = Array.from({ length: 100 }, (_, i) =>
      service(`s${i}`, 1000, {
        Resources: { Reservations: { NanoCPUs: 1e7, MemoryBytes: 1024 ** 2 } },
        Placement: { Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }], Constraints: ['node.role==worker'] },
      }),
    );
    const running: Task[] = [];
    const pending: Task[] = [];
    for (const s of svcs) {
      for (let k = 1; k <= 1000; k++) {
        if (k <= 900) running.push(task(s, k, 'running', { node: nodes[(k * 7) % 1000].ID }));
        else pending.push(task(s, k, 'new'));
      }
    }
    const t0 = performance.now();
    const plan = schedule({ nodes: nodeMap(nodes), services: serviceMap(svcs), tasks: [...running, ...pending], pending });
    report('schedule-mixed', performance.now() - t0, { running: running.length, pending: pending.length, services: 100, nodes: 1000 });
    expect(plan.assign).toHaveLength(10_000);
  }, 120_000);

  it('reconciles 100,000 tasks of 100 services (scale up, one rolling update, a drained node)', () => {
    const svcs = Array.from({ length: 100 }, (_, i) => service(`s${i}`, 1000));
    const tasks: Task[] = [];
    for (const s of svcs) for (let k = 1; k <= 1000; k++) tasks.push(task(s, k, 'running', { node: nodes[k % 1000].ID }));
    svcs[0] = { ...svcs[0], Spec: { ...svcs[0].Spec, Mode: { Replicated: { Replicas: 1100 } } } };
    svcs[1] = { ...svcs[1], Spec: { ...svcs[1].Spec, TaskTemplate: { ContainerSpec: { Image: 'v2' } }, UpdateConfig: { Parallelism: 0 } } };
    const ns = nodes.map((n, i) => (i === 5 ? node(n.ID, { availability: 'drain' }) : n));
    const input = reconcileInput(svcs, tasks, ns, T0, { newId: ids('p') });
    const t0 = performance.now();
    const plan = reconcile(input);
    report('reconcile', performance.now() - t0, { tasks: tasks.length, services: 100, nodes: 1000 });
    // 100 more slots, 1000 rolled, and the 100 tasks on the drained node (one of them already rolled).
    expect(plan.create.length).toBe(100 + 1000 + 99);
  }, 120_000);
});
