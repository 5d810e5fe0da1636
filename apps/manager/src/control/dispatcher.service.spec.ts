import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { doorbellPayload, nodeSecret, signedByCluster, type Task } from '@flotilla/contracts';
import type { ChangeEvent, StateStore } from '@flotilla/state';
import { DispatcherService } from './dispatcher.service';

/**
 * The dispatcher's timing over a hand-driven store and a queue that records
 * the bells it is given (no Redis: what is under test is when it rings).
 */
const KEY = 'k'.repeat(64);

function harness(nodes: string[]) {
  let index = 10;
  let listener: (e: ChangeEvent) => void = () => undefined;
  const store = {
    view: () => ({ index, nodes: new Map(nodes.map((n) => [n, {}])), services: new Map(), cluster: { NodeKey: KEY } }),
    watch: (l: (e: ChangeEvent) => void) => {
      listener = l;
      return () => undefined;
    },
    isWritable: () => true,
  } as unknown as StateStore;
  const redis = new EventEmitter();
  const d = new DispatcherService(store, redis as never);
  const bells: string[] = [];
  // A bell counts only when it carries the node's signature (what the worker checks).
  const add = (nodeId: string) => async (_: string, data: { index: number; sig: string }) =>
    void bells.push(`${nodeId}@${data.index}${signedByCluster(nodeSecret(KEY, nodeId), 'doorbell', doorbellPayload(nodeId, data.index), data.sig) ? '' : ' (unsigned)'}`);
  Object.assign(d, { queue: (nodeId: string) => ({ add: add(nodeId) }) });
  d.onModuleInit();
  const assign = (nodeId: string) => {
    index++;
    const task = { ID: `t${index}`, ServiceID: 's', NodeID: nodeId, DesiredState: 'running', Spec: {}, Status: { State: 'new' } } as unknown as Task;
    listener({ index, changes: [{ kind: 'task', id: task.ID, after: task }] });
  };
  return { d, bells, assign, redis, index: () => index };
}

describe('DispatcherService: when bells ring', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a change held back by an unanswered bell rings once that bell counts as lost, not at the worker\'s resync', async () => {
    const h = harness(['n']);
    h.assign('n');
    await vi.advanceTimersByTimeAsync(100);
    expect(h.bells).toEqual(['n@11']);
    // The worker ignores bell 11 (it held a set at 11 from elsewhere): no fetch, so nothing is served here.
    await vi.advanceTimersByTimeAsync(1000);
    h.assign('n');
    await vi.advanceTimersByTimeAsync(100);
    expect(h.bells).toEqual(['n@11']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(h.bells).toEqual(['n@11', 'n@12']);
    await h.d.onModuleDestroy();
  });

  it('a lone change rings at once; the changes right after it wait for the batch and go together', async () => {
    const h = harness(['a', 'b', 'c']);
    h.assign('a');
    await vi.advanceTimersByTimeAsync(1);
    expect(h.bells).toEqual(['a@11']);
    h.assign('b');
    await vi.advanceTimersByTimeAsync(10);
    h.assign('c');
    await vi.advanceTimersByTimeAsync(10);
    expect(h.bells).toEqual(['a@11']);
    await vi.advanceTimersByTimeAsync(40);
    expect(h.bells.slice(1).sort()).toEqual(['b@13', 'c@13']);
    // Quiet for a batch's length again: the next lone change rings at once too.
    await vi.advanceTimersByTimeAsync(100);
    h.d.served('a', h.index());
    h.assign('a');
    await vi.advanceTimersByTimeAsync(1);
    expect(h.bells).toHaveLength(4);
    await h.d.onModuleDestroy();
  });

  it('Redis back: nodes not served up to now are rung again at once, a node that was is not', async () => {
    const h = harness(['a', 'b']);
    h.assign('a');
    h.assign('b');
    await vi.advanceTimersByTimeAsync(100);
    expect(h.bells.sort()).toEqual(['a@12', 'b@12']);
    h.d.served('a', h.index());
    h.redis.emit('ready');
    await vi.advanceTimersByTimeAsync(100);
    expect(h.bells.sort()).toEqual(['a@12', 'b@12', 'b@12']);
    await h.d.onModuleDestroy();
  });
});
