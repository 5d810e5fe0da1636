import type { Cluster } from '@flotilla/contracts';
import { DEFAULT_CERT_EXPIRY_NS } from './cert-expiry';

/** The cluster spec as dockerd shows it, with the settings flotilla has fixed values for. */
export function clusterSpecView(spec: Cluster['Spec']) {
  return {
    ...spec,
    Labels: spec.Labels ?? {},
    Raft: { KeepOldSnapshots: 0, LogEntriesForSlowFollowers: 500, ...spec.Raft },
    // ForceRotate is what `docker swarm ca --rotate` counts up from (dockerd shows it once set).
    CAConfig: { NodeCertExpiry: spec.CAConfig?.NodeCertExpiry ?? DEFAULT_CERT_EXPIRY_NS, ...(spec.CAConfig?.ForceRotate ? { ForceRotate: spec.CAConfig.ForceRotate } : {}) },
    TaskDefaults: {},
    EncryptionConfig: { AutoLockManagers: spec.EncryptionConfig?.AutoLockManagers ?? false },
  };
}
