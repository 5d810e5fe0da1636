import type { RaftStore } from '../cluster/raft-store';
import type { PeerFacts } from './peer-access';

/**
 * What peer-access needs, read from this manager's replica. A node the replica does not know (a
 * replica lagging behind a newer manager) is judged by its certificate alone; one it knows as a
 * worker (demoted) is not a manager, whatever its old certificate says.
 */
export function storePeerFacts(store: RaftStore): PeerFacts {
  return {
    get clusterId() {
      return store.view().cluster?.ID;
    },
    removed: (id) => store.view().cluster?.RemovedNodes?.includes(id) ?? false,
    isManager: (id) => {
      const v = store.view();
      const node = v.nodes.get(id);
      if (!v.cluster || !node) return undefined;
      return store.isMember(id) || node.Spec.Role === 'manager';
    },
  };
}
