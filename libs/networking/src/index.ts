export { planNetworkAllocations } from './allocate';
export { overlayFor } from './overlay-assignment';
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
