import { describe, expect, it } from 'vitest';
import type { RegisterRequest, SwarmNode } from '@flotilla/contracts';
import { MemoryStore, put, type Batch } from '@flotilla/state';
import { ClusterService } from './cluster.service';
import type { ManagerConfig } from '../config';
import type { Membership } from '../tokens';

/** A store where another writer changes the node between the rejoin's read and its write, `races` times. */
class RacingStore extends MemoryStore {
  constructor(private races: number) {
    super();
  }
  override async propose(batch: Batch): Promise<number> {
    const op = batch.ops[0];
    if (this.races > 0 && op.op === 'put' && op.kind === 'node' && typeof op.expectIndex === 'number') {
      this.races--;
      const cur = this.view().nodes.get(op.obj.ID)!;
      this.applyNow({ ops: [put('node', { ...cur, Status: { ...cur.Status, State: 'down' } }, cur.Version.Index)] });
    }
    return super.propose(batch);
  }
}

const config = { heartbeatPeriodMs: 1000, redisUrl: 'redis://127.0.0.1:6379', advertiseAddr: '127.0.0.1:2377' } as ManagerConfig;
const membership = { isMember: () => false, addressOf: () => undefined } as unknown as Membership;
const clock = { now: () => Date.parse('2026-12-04T00:00:00Z') };

async function joined(store: MemoryStore) {
  const svc = new ClusterService(store, clock, config, membership);
  const cluster = await svc.ensureCluster();
  const req = (nodeId?: string): RegisterRequest => ({
    token: cluster.JoinTokens.Worker,
    nodeId,
    addr: '10.0.0.5',
    description: { Hostname: 'w1' } as SwarmNode['Description'],
  }) as RegisterRequest;
  const first = await svc.register(req());
  return { svc, first, req };
}

describe('ClusterService.register', () => {
  it('a rejoin keeps the node id and turns it ready even when the node monitor writes it in between', async () => {
    const store = new RacingStore(0);
    const { svc, first, req } = await joined(store);
    (store as unknown as { races: number }).races = 2;
    const again = await svc.register(req(first.ID));
    expect(again.ID).toBe(first.ID);
    expect(again.Status.State).toBe('ready');
    expect(store.view().nodes.size).toBe(1);
  });

  it('gives up with the stale-version error when the node keeps changing', async () => {
    const store = new RacingStore(0);
    const { svc, first, req } = await joined(store);
    (store as unknown as { races: number }).races = 100;
    await expect(svc.register(req(first.ID))).rejects.toThrow(/update out of sequence/);
  });
});
