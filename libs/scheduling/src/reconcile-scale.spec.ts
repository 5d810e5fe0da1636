import { describe, expect, it } from 'vitest';
import type { Task } from '@flotilla/contracts';
import { reconcile } from './reconcile';
import { applyPlan, ids, node, reconcileInput as input, service, task } from './test-fixtures';

const nodes = [node('a'), node('b', { state: 'down' })];

describe('reconcile: large services', () => {
  it('with maxCreates, fills empty slots in parts, lowest first, until every slot has its task', () => {
    const s = service('s', 25);
    let tasks: Task[] = [];
    const parts: number[][] = [];
    const newId = ids('new');
    for (let pass = 0; pass < 10; pass++) {
      const plan = reconcile(input([s], tasks, nodes, undefined, { maxCreates: 10, newId }));
      if (plan.create.length === 0) break;
      parts.push(plan.create.map((t) => t.Slot!));
      tasks = applyPlan(tasks, plan);
    }
    expect(parts.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(parts.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('never holds back a replacement: a task on a down node is replaced even when the budget is spent', () => {
    const s = service('s', 3);
    const ts = [task(s, 1, 'running', { node: 'b' })];
    const plan = reconcile(input([s], ts, nodes, undefined, { maxCreates: 0 }));
    expect(plan.update.map((t) => [t.Slot, t.DesiredState])).toEqual([[1, 'shutdown']]);
    expect(plan.create.map((t) => t.Slot)).toEqual([1]);
  });

  it('plans the same whether a slot holds one settled task or a list: a slot with a stale duplicate is cleaned up', () => {
    const s = service('s', 3);
    const other = service('s', 3, { ContainerSpec: { Image: 'old' } });
    const settled = [task(s, 1, 'running', { node: 'a' }), task(s, 2, 'assigned', { node: 'a' })];
    // Slot 3: an old-spec task and a current one, both live: the old one goes (rolling update done).
    const dup = [task(other, 3, 'running', { node: 'a' }), task(s, 3, 'running', { node: 'a' })];
    const plan = reconcile(input([s], [...settled, ...dup], nodes));
    expect(plan.create).toEqual([]);
    expect(plan.update.map((t) => [t.ID, t.DesiredState])).toEqual([[dup[0].ID, 'shutdown']]);
  });

  it('plans nothing for 100k settled slots (its speed: bench/control-plane)', () => {
    const s = service('s', 100_000);
    const ts = Array.from({ length: 100_000 }, (_, i) => ({ ...task(s, i + 1, i % 2 ? 'running' : 'assigned', { node: 'a' }), SpecVersion: { Index: s.Version.Index } }));
    // Built directly: the fixture's input copies its lists per task.
    const inp = { ...input([s], [], nodes), tasksOfService: () => ts };
    const plan = reconcile(inp);
    expect(plan).toEqual({ create: [], update: [], delete: [] });
  });
});
