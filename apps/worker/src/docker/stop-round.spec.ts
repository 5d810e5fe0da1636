import { describe, expect, it } from 'vitest';
import type { Task } from '@flotilla/contracts';
import type { DockerAdapter } from './docker.adapter';
import { TaskRunner, type StopItem } from './task-runner';

/** A fake engine that records each call, with how many of its calls were running at once. */
function fakeEngine(failStop = new Set<string>()) {
  const calls: string[] = [];
  let active = 0;
  let peak = 0;
  const call = async (what: string, fail = false) => {
    active++;
    peak = Math.max(peak, active);
    calls.push(what);
    await new Promise((r) => setImmediate(r));
    active--;
    if (fail) throw new Error(`${what} failed`);
  };
  const adapter = {
    stop: (id: string, grace?: number) => call(`stop ${id} t=${grace ?? '-'}`, failStop.has(id)),
    remove: (id: string) => call(`remove ${id}`),
  } as unknown as DockerAdapter;
  return { adapter, calls, peak: () => peak };
}

const task = (id: string, graceNs?: number) =>
  ({ ID: id, Spec: { ContainerSpec: { Image: 'img', ...(graceNs !== undefined ? { StopGracePeriod: graceNs } : {}) } } }) as unknown as Task;
const items = (n: number, remove: boolean): StopItem[] => Array.from({ length: n }, (_, i) => ({ task: task(`t${i}`), containerId: `c${i}`, remove }));

describe('TaskRunner.stopRound', () => {
  it('issues every stop before any removal, at most `parallelism` calls at once', async () => {
    const e = fakeEngine();
    const runner = new TaskRunner(e.adapter, () => undefined, 4);
    const results = await runner.stopRound(items(20, true), () => undefined);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const firstRemove = e.calls.findIndex((c) => c.startsWith('remove'));
    expect(e.calls.slice(0, firstRemove).every((c) => c.startsWith('stop'))).toBe(true);
    expect(e.calls.filter((c) => c.startsWith('stop'))).toHaveLength(20);
    expect(e.calls.filter((c) => c.startsWith('remove'))).toHaveLength(20);
    expect(e.peak()).toBe(4);
  });

  it("honours each task's stop grace period, in whole seconds rounded up (the engine's default without one)", async () => {
    const e = fakeEngine();
    const runner = new TaskRunner(e.adapter, () => undefined, 8);
    await runner.stopRound(
      [
        { task: task('a', 2_500_000_000), containerId: 'ca', remove: false },
        { task: task('b'), containerId: 'cb', remove: false },
      ],
      () => undefined,
    );
    expect(e.calls.sort()).toEqual(['stop ca t=3', 'stop cb t=-']);
  });

  it('keeps containers not meant to go, tells each stop as it ends, and removes nothing whose stop failed', async () => {
    const e = fakeEngine(new Set(['c1']));
    const runner = new TaskRunner(e.adapter, () => undefined, 8);
    const stopped: string[] = [];
    const results = await runner.stopRound(
      [
        { task: task('t0'), containerId: 'c0', remove: true },
        { task: task('t1'), containerId: 'c1', remove: true },
        { task: task('t2'), containerId: 'c2', remove: false },
      ],
      (item) => stopped.push(item.task.ID),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(stopped.sort()).toEqual(['t0', 't2']);
    expect(e.calls.filter((c) => c.startsWith('remove'))).toEqual(['remove c0']);
  });
});

describe('TaskRunner removals wait for stops of any round', () => {
  it("holds a round's removals, and lone removals, until another round's stops have ended", async () => {
    const calls: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const adapter = {
      stop: async (id: string) => {
        calls.push(`stop ${id}`);
        if (id.startsWith('slow')) await gate;
      },
      remove: async (id: string) => void calls.push(`remove ${id}`),
    } as unknown as DockerAdapter;
    const runner = new TaskRunner(adapter, () => undefined, 8);
    const slow = runner.stopRound([{ task: task('s'), containerId: 'slow', remove: false }], () => undefined);
    const quick = runner.stopRound([{ task: task('q'), containerId: 'quick', remove: true }], () => undefined);
    const lone = runner.remove('orphan');
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(calls.sort()).toEqual(['stop quick', 'stop slow']);
    release();
    await Promise.all([slow, quick, lone]);
    expect(calls.slice(2).sort()).toEqual(['remove orphan', 'remove quick']);
  });
});
