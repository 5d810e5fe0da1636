/** What `compose up` / `stack deploy` send to the manager: the whole desired stack at once. */
import type { NetworkSpec, ServiceSpec, VolumeSpec } from './swarm-types';

export interface StackDeployRequest {
  services: ServiceSpec[];
  networks: NetworkSpec[];
  volumes: VolumeSpec[];
  /** Remove the stack's services that are not in `services` (compose's --remove-orphans, stack deploy --prune). */
  prune?: boolean;
}

export interface StackDeployResult {
  index: number;
  created: string[];
  updated: string[];
  unchanged: string[];
  removed: string[];
}
