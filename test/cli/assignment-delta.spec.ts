import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssignmentSet, RegisterResponse } from '@flotilla/contracts';
import { mergeAssignments } from '../../apps/worker/src/agent/merge-assignments';
import { flotilla } from '../support/cli';
import { eventually } from '../support/docker';
import { ManagerProcess } from '../support/manager';

const svc = `delta${process.pid}`;

/** A node registered by hand (no engine: its tasks stay assigned), to read its sets as a worker does. */
describe('a node fetches only what changed since the set it holds', () => {
  let m: ManagerProcess;
  let node: RegisterResponse;
  let beat: NodeJS.Timeout;
  const f = (...args: string[]) => flotilla(args, m.cliEnv);
  const fetchSet = async (since?: number) => {
    const r = await fetch(`http://${m.host}/flotilla/v1/nodes/${node.nodeId}/assignments${since === undefined ? '' : `?since=${since}`}`, {
      headers: { authorization: `Bearer ${node.nodeSecret}` },
    });
    expect(r.status).toBe(200);
    const text = await r.text();
    return { set: JSON.parse(text) as AssignmentSet, bytes: text.length };
  };
  const summary = (s: AssignmentSet) => s.tasks.map((t) => `${t.ID}@${t.Version.Index}:${t.DesiredState}`).sort();

  beforeAll(async () => {
    m = await ManagerProcess.create();
    const token = (await f('swarm', 'join-token', '-q', 'worker')).stdout.trim();
    const r = await fetch(`http://${m.host}/flotilla/v1/nodes/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, addr: '127.0.0.9', description: { Hostname: `hollow${process.pid}`, Resources: { NanoCPUs: 1e9, MemoryBytes: 1e9 } } }),
    });
    expect(r.status).toBe(200);
    node = (await r.json()) as RegisterResponse;
    // Alive as a worker is: a node that stops beating goes down and its tasks elsewhere.
    beat = setInterval(() => {
      void fetch(`http://${m.host}/flotilla/v1/nodes/${node.nodeId}/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${node.nodeSecret}` } }).catch(() => undefined);
    }, 300);
  });
  afterAll(async () => {
    clearInterval(beat);
    await m?.destroy();
  });

  it('deltas merged onto the held set equal the full set, at every step; an index the manager cannot answer from gets the full set', async () => {
    let held = (await fetchSet()).set;
    expect(held.since).toBeUndefined();
    expect(held.tasks).toEqual([]);
    const step = async (what: string) => {
      const { set: delta, bytes } = await fetchSet(held.index);
      const full = await fetchSet();
      expect(delta.since, what).toBe(held.index);
      const merged = mergeAssignments(held, delta)!;
      expect(summary(merged), what).toEqual(summary(full.set));
      held = merged;
      return { delta, bytes, fullBytes: full.bytes };
    };

    const c = await f('service', 'create', '--detach', '--name', svc, '--replicas', '3', '--constraint', `node.id==${node.nodeId}`, 'flotilla/busybox:latest', 'sleep', '600');
    expect(c.code, c.stderr).toBe(0);
    await eventually(async () => (await fetchSet()).set.tasks.length === 3, 'three tasks assigned to the node', 30_000);
    const afterCreate = await step('after create');
    expect(afterCreate.delta.tasks).toHaveLength(3);

    // Nothing changed since: an empty delta, far smaller than the full set.
    const idle = await step('idle');
    expect(idle.delta.tasks).toEqual([]);
    expect(idle.delta.removed).toEqual([]);
    expect(idle.bytes).toBeLessThan(idle.fullBytes);

    expect((await f('service', 'scale', '-d', `${svc}=1`)).code).toBe(0);
    await eventually(async () => {
      const s = (await fetchSet()).set;
      if (s.tasks.filter((t) => t.DesiredState === 'running').length === 1) return true;
      throw new Error(JSON.stringify(s.tasks.map((t) => [t.ID, t.DesiredState, t.Status.State])));
    }, 'two tasks told to stop', 30_000);
    const scaled = await step('after scale to 1');
    expect(scaled.delta.tasks.map((t) => t.DesiredState).sort()).toEqual(['shutdown', 'shutdown']);

    expect((await f('service', 'rm', svc)).code).toBe(0);
    // The node reports its tasks gone; the store then drops them: a delta names them removed.
    const ids = held.tasks.map((t) => t.ID);
    const rep = await fetch(`http://${m.host}/flotilla/v1/nodes/${node.nodeId}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${node.nodeSecret}` },
      body: JSON.stringify({ reports: ids.map((taskId) => ({ taskId, state: 'shutdown', message: 'shutdown' })) }),
    });
    expect(rep.status).toBe(204);
    await eventually(async () => (await fetchSet()).set.tasks.length === 0, 'the tasks gone from the store', 30_000);
    const removed = await step('after rm');
    expect([...(removed.delta.removed ?? [])].sort()).toEqual([...ids].sort());

    // An index from this manager's future (another manager ahead of it): the full set. (One from before
    // its log began is a unit case: this manager has seen every change since it started.)
    expect((await fetchSet(held.index + 1_000)).set.since).toBeUndefined();
    expect((await fetchSet(Number.MAX_SAFE_INTEGER)).set.since).toBeUndefined();
  });
});
