import { z } from 'zod';
import { bool, obj, str, strMap } from './primitives';
import { serviceSpecSchema } from './service-spec.schema';

const networkSpec = obj({
  Name: str.nullish(),
  Labels: strMap,
  DriverConfiguration: obj({ Name: str.nullish(), Options: strMap }).nullish(),
  Attachable: bool.nullish(),
  Internal: bool.nullish(),
  IPv6Enabled: bool.nullish(),
  Ingress: bool.nullish(),
  IPAMOptions: obj({
    Driver: obj({ Name: str.nullish() }).nullish(),
    Configs: z.array(obj({ Subnet: str.nullish(), Gateway: str.nullish(), Range: str.nullish() })).nullish(),
  }).nullish(),
});

const volumeSpec = obj({ Name: str.nullish(), Driver: str.nullish(), DriverOpts: strMap, Labels: strMap });

/** POST /stacks/:name (flotilla's own API, sent by its CLI). */
export const stackDeploySchema = obj({
  services: z.array(serviceSpecSchema),
  networks: z.array(networkSpec),
  volumes: z.array(volumeSpec),
  prune: bool.nullish(),
});

/** POST /stacks/:name/restart-ended: the ended tasks whose slots start again. */
export const restartEndedSchema = obj({ tasks: z.array(str).max(10_000) });
