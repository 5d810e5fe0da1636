import type { LoggerService } from '@nestjs/common';
import type { ManagerJoinResponse } from '@flotilla/contracts';
import type { ManagerConfig } from '../config';
import type { ClusterService } from '../cluster/cluster.service';
import type { ManagerKeys } from '../cluster/manager-keys';
import type { RaftStore } from '../cluster/raft-store';
import { NO_LEADER } from '../cluster/raft-store';
import { raftKeyFrom } from '../cluster/manager-auth';
import { requestManagerJoin } from '../cluster/join-cluster';
import { retry, until } from './wait';
import type { NodeTls } from '../../../worker/src/agent/manager-tls';

/**
 * After the API listens (peers reach this manager through it): a founder
 * elects itself and writes the cluster object; a restarted or joining
 * manager waits for the state to arrive; a joiner that caught up asks to
 * vote. Returns once some manager leads.
 */
export async function settleMembership(
  o: { config: ManagerConfig; nodeId: string; store: RaftStore; keys: ManagerKeys; cluster: ClusterService; fresh: boolean; joined?: ManagerJoinResponse; nodeTls: NodeTls },
  logger: LoggerService,
): Promise<void> {
  const { config, store } = o;
  if (o.fresh && !config.join) {
    await until(() => store.isWritable(), 15_000, 'this manager did not become the leader of its new cluster');
    const c = await o.cluster.ensureCluster();
    o.keys.save({ raftKey: raftKeyFrom(c.NodeKey!) });
  } else {
    await until(() => store.view().cluster !== undefined, 60_000, 'no copy of the cluster state arrived from the other managers (is a majority up?)');
  }
  if (o.joined && config.join) {
    const target = o.joined.index;
    const join = config.join;
    await until(() => store.view().index >= target, 60_000, 'this manager did not catch up with the leader');
    await retry(() => requestManagerJoin(join.addr, { token: join.token, nodeId: o.nodeId, addr: config.advertiseAddr, stage: 'voter' }, o.nodeTls), 30_000);
    logger.log({ msg: 'joined the managers', nodeId: o.nodeId }, 'Main');
  }
  // The embedded worker registers through the leader: wait for one (a restarted member waits for its election).
  await until(() => store.leaderId() !== null, 60_000, NO_LEADER);
}
