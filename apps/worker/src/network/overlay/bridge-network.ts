import { LABEL, type Network } from '@flotilla/contracts';
import { allocationOf, formatCidr, formatIp } from '@flotilla/networking';
import { bridgeName } from './device-names';

/** VXLAN adds 50 bytes to every frame; containers send less so the tunnel never fragments. */
export const OVERLAY_MTU = 1450;

const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';
const MTU_OPTION = 'com.docker.network.driver.mtu';

/** The Docker create body of a task network on this engine (a local bridge; the overlay agent links hosts). */
export function bridgeNetworkCreate(net: Network, clusterId: string, withAllocation: boolean) {
  const alloc = withAllocation ? allocationOf(net) : undefined;
  return {
    Name: net.Spec.Name,
    Driver: 'bridge',
    Attachable: true,
    Internal: net.Spec.Internal ?? false,
    CheckDuplicate: true,
    Labels: { ...net.Spec.Labels, [LABEL.managed]: 'true', [LABEL.cluster]: clusterId, 'io.flotilla.network.id': net.ID },
    ...(alloc
      ? {
          // A known bridge name lets the overlay agent enslave the VXLAN device to it.
          Options: { [BRIDGE_NAME_OPTION]: bridgeName(net.ID), [MTU_OPTION]: String(OVERLAY_MTU) },
          IPAM: { Driver: 'default', Config: [{ Subnet: formatCidr(alloc.subnet), Gateway: formatIp(alloc.gateway) }] },
        }
      : {}),
  };
}

/** What Docker says of an existing network (list or inspect shape). */
export interface EngineNetwork {
  Options?: Record<string, string>;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] };
}

/** True when the engine's network is the overlay's: our bridge, the allocated subnet and gateway. */
export function carriesAllocation(existing: EngineNetwork, net: Network): boolean {
  const alloc = allocationOf(net);
  const c = existing.IPAM?.Config?.[0];
  return (
    alloc !== undefined &&
    existing.Options?.[BRIDGE_NAME_OPTION] === bridgeName(net.ID) &&
    c?.Subnet === formatCidr(alloc.subnet) &&
    c?.Gateway === formatIp(alloc.gateway)
  );
}

/** Docker refuses a subnet another network on this engine has (another cluster sharing the engine). */
export function isPoolOverlap(e: unknown): boolean {
  const m = (e as { json?: { message?: string }; message?: string })?.json?.message ?? (e as Error)?.message ?? '';
  return /overlaps/i.test(String(m));
}
