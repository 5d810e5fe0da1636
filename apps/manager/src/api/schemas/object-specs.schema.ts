import { z } from 'zod';
import { bool, obj, str, strMap } from './primitives';

/** POST /networks/create as the docker CLI sends it. */
export const networkCreateSchema = obj({
  Name: str.nullish(),
  CheckDuplicate: bool.nullish(),
  Driver: str.nullish(),
  Scope: str.nullish(),
  EnableIPv6: bool.nullish(),
  IPAM: obj({
    Driver: str.nullish(),
    Options: strMap,
    Config: z.array(obj({ Subnet: str.nullish(), IPRange: str.nullish(), Gateway: str.nullish() })).nullish(),
  }).nullish(),
  Internal: bool.nullish(),
  Attachable: bool.nullish(),
  Ingress: bool.nullish(),
  ConfigOnly: bool.nullish(),
  Options: strMap,
  Labels: strMap,
});

/** Secret and config specs (create and update). */
export const secretSpecSchema = obj({ Name: str.nullish(), Labels: strMap, Data: str.nullish() });

export const nodeSpecSchema = obj({
  Name: str.nullish(),
  Labels: strMap,
  Role: z.enum(['worker', 'manager']).nullish(),
  Availability: z.enum(['active', 'pause', 'drain']).nullish(),
});

/** POST /swarm/update: the settings flotilla applies; the rest of Docker's ClusterSpec is accepted and ignored. */
export const clusterSpecSchema = obj({
  Name: str.nullish(),
  Labels: strMap,
  Orchestration: obj({ TaskHistoryRetentionLimit: z.unknown() }).nullish(),
  EncryptionConfig: obj({ AutoLockManagers: bool.nullish() }).nullish(),
  CAConfig: obj({ ExternalCAs: z.array(z.unknown()).nullish(), NodeCertExpiry: z.number().nullish(), ForceRotate: z.number().nullish() }).nullish(),
  TaskDefaults: z.unknown(),
});


