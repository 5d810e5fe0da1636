import type { Cluster } from '@flotilla/contracts';

/** 90 days, swarmkit's default node certificate expiry (flotilla issues none; shown for the CLI's `info`). */
const CERT_EXPIRY = 90 * 24 * 3600 * 1_000_000_000;

/** The cluster spec as dockerd shows it, with the settings flotilla has fixed values for. */
export function clusterSpecView(spec: Cluster['Spec']) {
  return {
    ...spec,
    Labels: spec.Labels ?? {},
    Raft: { KeepOldSnapshots: 0, LogEntriesForSlowFollowers: 500, ...spec.Raft },
    CAConfig: { NodeCertExpiry: CERT_EXPIRY },
    TaskDefaults: {},
    EncryptionConfig: { AutoLockManagers: spec.EncryptionConfig?.AutoLockManagers ?? false },
  };
}
