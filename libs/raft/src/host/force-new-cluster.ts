import type { NodeId } from '../core/types';
import { DiskStorage } from '../storage/disk-storage';
import type { RecordCipher } from '../storage/record-cipher';
import { unwrap } from './envelope';
import type { StateMachine } from './raft-host';

export interface ForcedCluster {
  /** Index of the state the new cluster starts from (every entry this member held). */
  readonly index: number;
  readonly term: number;
}

/**
 * Disaster recovery when a majority is gone for good (`swarm init
 * --force-new-cluster`): everything this member's log holds, committed or
 * not, becomes the state of a new one-member cluster. Like etcd's
 * --force-new-cluster, entries not known committed are kept rather than
 * lost: a write the old cluster acknowledged is in some survivor's log, and
 * the operator picks the most complete survivor. The old directory is only
 * read; the new one gets a snapshot whose membership is `id` alone.
 */
export function forceNewCluster(oldDir: string, newDir: string, id: NodeId, sm: StateMachine, cipher?: RecordCipher): ForcedCluster {
  const old = new DiskStorage(oldDir, { fsync: true, cipher });
  const init = old.initialState();
  old.close();
  let index = 0;
  let term = init.hardState.term;
  if (init.snapshot) {
    sm.restore(init.snapshot.data);
    index = init.snapshot.meta.index;
    term = Math.max(term, init.snapshot.meta.term);
  }
  for (const e of init.entries) {
    index = e.index;
    term = Math.max(term, e.term);
    if (e.type === 'conf') continue;
    const un = unwrap(e.data);
    if (un) sm.apply(e.index, un.data);
  }
  const fresh = new DiskStorage(newDir, { fsync: true, cipher });
  const snapshot = { meta: { index, term, conf: { voters: [id], learners: [] } }, data: sm.snapshot() };
  fresh.saveReady({
    hardState: { term, vote: null, commit: index },
    entries: [],
    snapshot,
    committedEntries: [],
    messages: [],
    readStates: [],
    mustSync: true,
  });
  fresh.close();
  return { index, term };
}
