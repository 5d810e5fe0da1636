export { planNetworkAllocations } from './allocate';
export { nodesOnNetworks, overlayFor } from './overlay-assignment';
export {
  FIRST_VNI,
  allocationOf,
  awaitsAddress,
  holdsAddress,
  isAllocatable,
  isAssignable,
  taskAddress,
  type NetworkAllocation,
} from './network-allocation';
export { nextSubnet, poolStart } from './subnet-pool';
export * from './ipv4';
export { isMeshPort, meshFor, meshTable, type MeshEntry } from './routing-mesh';
