import { VXLAN_ID_OPTION, isTerminal, type Network, type Task } from '@flotilla/contracts';
import { addressOf, contains, parseCidr, parseIp, type Cidr } from './ipv4';

/** Docker's overlay VXLAN ids start above the 802.1Q VLAN range; so do flotilla's. */
export const FIRST_VNI = 4096;

/** What a network got from the allocator, read back from the Network object. */
export interface NetworkAllocation {
  subnet: Cidr;
  gateway: number;
  /** Where task addresses come from: the user's ip_range, or the whole subnet. */
  range: Cidr;
  vni: number;
}

/** Ingress is the routing mesh's (flotilla serves published ports with a proxy): no addresses. */
export function isAllocatable(net: Network): boolean {
  return !net.Spec.Ingress;
}

/** The allocation recorded on a network, or undefined while it has none (or a malformed one). */
export function allocationOf(net: Network): NetworkAllocation | undefined {
  const c = net.IPAMOptions?.Configs?.[0];
  const vni = Number(net.DriverState?.Options?.[VXLAN_ID_OPTION]?.split(',')[0]);
  const subnet = c?.Subnet ? parseCidr(c.Subnet) : undefined;
  const gateway = c?.Gateway ? parseIp(c.Gateway) : undefined;
  if (!subnet || gateway === undefined || !Number.isInteger(vni) || vni < 1) return undefined;
  const range = (c?.Range && parseCidr(c.Range)) || subnet;
  return { subnet, gateway, range, vni };
}

/** The task's recorded address (CIDR form) on a network, if it has one. */
export function taskAddress(task: Task, networkId: string): string | undefined {
  return task.NetworksAttachments?.find((a) => a.Network.ID === networkId)?.Addresses?.[0];
}

/**
 * Whether the task holds an address: from the allocator until it is terminal
 * (complete, shutdown, failed, rejected, orphaned, remove) or deleted.
 */
export function holdsAddress(task: Task): boolean {
  return !isTerminal(task.Status.State);
}

/** An address a task may be given in this network: inside the range, not the network, broadcast or gateway. */
export function isAssignable(a: NetworkAllocation, ip: number): boolean {
  const last = a.subnet.base + 2 ** (32 - a.subnet.prefix) - 1;
  return contains(a.range, ip) && contains(a.subnet, ip) && ip !== a.subnet.base && ip !== last && ip !== a.gateway;
}

/** The address part of a task's recorded address on a network, when it lies in the network's subnet. */
export function addressIn(a: NetworkAllocation, task: Task, networkId: string): number | undefined {
  const s = taskAddress(task, networkId);
  const ip = s ? addressOf(s) : undefined;
  return ip !== undefined && contains(a.subnet, ip) ? ip : undefined;
}

/**
 * True while the task lists a cluster network it has no address on yet, or one not allocated yet
 * itself: the scheduler holds it back (as swarmkit's allocator holds tasks in `new` until they are
 * allocated) and the worker waits. A worker that went ahead made the network on its engine with the
 * engine's own subnet (a stack's first tasks, fetched between the commit that created them and the
 * one that allocated their network), and the overlay never reached it.
 */
export function awaitsAddress(task: Task, networks: ReadonlyMap<string, Network>): boolean {
  return (task.Spec.Networks ?? []).some((n) => {
    const net = networks.get(n.Target);
    return net !== undefined && isAllocatable(net) && (allocationOf(net) === undefined || !taskAddress(task, n.Target));
  });
}
