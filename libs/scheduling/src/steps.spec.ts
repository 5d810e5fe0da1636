import { describe, expect, it } from 'vitest';
import type { Task } from '@flotilla/contracts';
import { reconcile, reconcileSteps } from './reconcile';
import { schedule, scheduleSteps } from './schedule';
import type { Steps } from './steps';
import { ids, node, nodeMap, reconcileInput, service, serviceMap, task } from './test-fixtures';

/** Runs steps to the end, counting the pause points on the way. */
function drain<T>(steps: Steps<T>): { value: T; pauses: number } {
  let pauses = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return { value: r.value, pauses };
    pauses++;
  }
}

const nodes = Array.from({ length: 50 }, (_, i) => node(`n${String(i).padStart(3, '0')}`));

describe('planners in steps', () => {
  it('reconcile: a 10,000-replica scale-up pauses along the way and plans what the plain call plans', () => {
    const s = service('s', 10_000);
    const running = Array.from({ length: 3000 }, (_, i) => task(s, i + 1, 'running', { node: nodes[i % 50].ID }));
    const a = reconcile(reconcileInput([s], running, nodes, undefined, { newId: ids('t') }));
    const b = drain(reconcileSteps(reconcileInput([s], running, nodes, undefined, { newId: ids('t') })));
    expect(b.pauses).toBeGreaterThanOrEqual(9);
    expect(b.value).toEqual(a);
    expect(a.create).toHaveLength(7000);
  });

  it('schedule: placing 10,000 tasks pauses along the way and places them as the plain call does', () => {
    const s = service('s', 10_000);
    const pending: Task[] = Array.from({ length: 10_000 }, (_, i) => task(s, i + 1, 'new'));
    const input = () => ({ nodes: nodeMap(nodes), services: serviceMap([s]), tasks: pending, pending });
    const a = schedule(input());
    const b = drain(scheduleSteps(input()));
    expect(b.pauses).toBeGreaterThanOrEqual(18);
    expect(b.value).toEqual(a);
    expect(new Set(a.assign.map((x) => x.nodeId)).size).toBe(50);
  });
});
