import { X509Certificate } from 'node:crypto';
import { peerIdentity } from '@flotilla/pki';
import type { NodeCredentials } from '../../../worker/src/agent/node-credentials';

/**
 * Whether a node's stored credentials can serve a manager: a promoted worker keeps its worker
 * certificate in the data dir, which every manager refuses for joins and Raft.
 */
export function holdsManagerCertificate(c: NodeCredentials | undefined): boolean {
  if (!c) return false;
  try {
    return peerIdentity(new X509Certificate(c.cert).raw).role === 'manager';
  } catch {
    return false;
  }
}
