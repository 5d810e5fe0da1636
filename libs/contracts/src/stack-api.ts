/** What `compose up` / `stack deploy` send to the manager: the whole desired stack at once. */
import type { Network, NetworkSpec, Service, ServiceSpec, Task, Volume, VolumeSpec } from './swarm-types';

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

/** A stack as the manager reports it: its objects, tasks of removed services still going away included. */
export interface StackState {
  name: string;
  services: Service[];
  tasks: Task[];
  networks: Network[];
  volumes: Volume[];
}
