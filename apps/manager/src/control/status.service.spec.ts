import { describe, expect, it } from 'vitest';
import type { Batch, StateStore } from '@flotilla/state';
import type { TaskReport } from '@flotilla/contracts';
import { MAX_IN_FLIGHT, MAX_OPS_PER_PROPOSAL, StatusService } from './status.service';

/** A store whose proposals commit when the test says so. */
function fakeStore() {
  const pending: { batch: Batch; commit: () => void }[] = [];
  let inFlight = 0;
  let most = 0;
  const store = {
    propose: (batch: Batch) =>
      new Promise<number>((resolve) => {
        inFlight++;
        most = Math.max(most, inFlight);
        pending.push({ batch, commit: () => (inFlight--, resolve(1)) });
      }),
  } as unknown as StateStore;
  return { store, pending, most: () => most };
}

const reports = (n: number, from = 0): TaskReport[] => Array.from({ length: n }, (_, i) => ({ taskId: `t${from + i}`, state: 'running', message: 'started' }));
const turn = () => new Promise((r) => setImmediate(r));

describe('StatusService', () => {
  it('folds reports into proposals of at most MAX_OPS_PER_PROPOSAL, a few in flight, and answers each caller once its batch commits', async () => {
    const f = fakeStore();
    const svc = new StatusService(f.store, { now: () => 0 });
    let answered = 0;
    // 1,000 nodes reporting 100 tasks each, all read in one turn: 400 proposals' worth.
    const calls = Array.from({ length: 1000 }, (_, i) => svc.report(`n${i}`, reports(100, i * 100)).then(() => answered++));
    // One turn of the event loop fills every slot: a loaded leader gets few turns a second.
    await turn();
    await turn();
    expect(MAX_IN_FLIGHT).toBeLessThan(100_000 / MAX_OPS_PER_PROPOSAL);
    expect(f.pending.length).toBe(MAX_IN_FLIGHT);
    expect(f.pending.every((p) => p.batch.ops.length <= MAX_OPS_PER_PROPOSAL)).toBe(true);
    expect(answered).toBe(0);
    // Committing lets the rest go, never more than MAX_IN_FLIGHT at once.
    while (f.pending.length > 0) {
      f.pending.shift()!.commit();
      for (let i = 0; i < 5; i++) await turn();
    }
    await Promise.all(calls);
    expect(answered).toBe(1000);
    expect(f.most()).toBe(MAX_IN_FLIGHT);
  });

  it('passes a failed proposal on to the callers whose reports it held', async () => {
    const store = { propose: () => Promise.reject(new Error('no leader')) } as unknown as StateStore;
    const svc = new StatusService(store, { now: () => 0 });
    await expect(svc.report('n1', reports(3))).rejects.toThrow('no leader');
  });
});
