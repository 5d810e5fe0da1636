import { taskStateRank, type OverlayNetworkAssignment, type OverlayServiceRecord, type Service, type Task } from '@flotilla/contracts';
import type { StateView } from '@flotilla/state';
import { formatIp } from './ipv4';
import { addressIn, allocationOf, holdsAddress, isAllocatable } from './network-allocation';
import { nodeAddress } from './subnet-pool';

/**
 * What one node's overlay agent needs, per allocated network its live tasks
 * are on: the host addresses of the other nodes with live tasks there (VXLAN
 * flood targets) and every service's names with the addresses of its tasks
 * on a node and meant to run, cluster-wide (the node's DNS answers them). Pure; sorted, so equal
 * views give equal answers.
 */
export function overlayFor(view: StateView, nodeId: string): OverlayNetworkAssignment[] {
  const self = view.nodes.get(nodeId);
  const selfAddr = nodeAddress(self?.Status.Addr);
  const wanted = new Set<string>();
  for (const t of view.tasksOfNode(nodeId)) {
    if (!holdsAddress(t)) continue;
    for (const n of t.Spec.Networks ?? []) wanted.add(n.Target);
  }
  const out: OverlayNetworkAssignment[] = [];
  for (const id of [...wanted].sort()) {
    const net = view.networks.get(id);
    const alloc = net && isAllocatable(net) ? allocationOf(net) : undefined;
    if (!alloc) continue;
    const peers = new Set<string>();
    const services: OverlayServiceRecord[] = [];
    for (const svc of servicesOn(view, id)) {
      const addresses: number[] = [];
      for (const t of view.tasksOfService(svc.ID)) {
        if (!(t.Spec.Networks ?? []).some((n) => n.Target === id)) continue;
        if (holdsAddress(t) && t.NodeID && t.NodeID !== nodeId && taskStateRank(t.Status.State) >= taskStateRank('assigned')) {
          const peer = nodeAddress(view.nodes.get(t.NodeID)?.Status.Addr);
          // Two nodes on one host share its engine and bridges: no tunnel to itself.
          if (peer !== undefined && peer !== selfAddr) peers.add(formatIp(peer));
        }
        const ip = isServing(t) ? addressIn(alloc, t, id) : undefined;
        if (ip !== undefined) addresses.push(ip);
      }
      services.push({ serviceId: svc.ID, names: namesOn(svc, id), addresses: addresses.sort((a, b) => a - b).map(formatIp) });
    }
    out.push({ networkId: id, peers: [...peers].sort(), services: services.sort((a, b) => (a.serviceId < b.serviceId ? -1 : 1)) });
  }
  return out;
}

/**
 * The nodes whose overlay view a change on these networks alters: every node
 * holding a task of a service on one of them (pure). The dispatcher rings
 * them, so a task started on one host is resolvable on the others at once
 * rather than at their next resync.
 */
export function nodesOnNetworks(view: StateView, networkIds: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const id of networkIds) {
    for (const svc of servicesOn(view, id)) {
      for (const t of view.tasksOfService(svc.ID)) if (t.NodeID && meantToRun(t)) out.add(t.NodeID);
    }
  }
  return out;
}

/**
 * A task answers to its service's name from when it is handed to a node
 * until it is told to stop: status changes do not ring other nodes' doorbells,
 * so waiting for `running` would leave a name unknown until the next resync.
 */
function isServing(t: Task): boolean {
  return meantToRun(t) && holdsAddress(t) && taskStateRank(t.Status.State) >= taskStateRank('assigned');
}

/** Services whose current or previous spec is on the network (tasks of both may run during an update). */
function servicesOn(view: StateView, networkId: string): Service[] {
  const on = (nets: { Target: string }[] | undefined) => (nets ?? []).some((n) => n.Target === networkId);
  return [...view.services.values()].filter((s) => on(s.Spec.TaskTemplate.Networks) || on(s.PreviousSpec?.TaskTemplate.Networks));
}

/** The service's name, then its aliases on the network (compose's service name, links), once each. */
function namesOn(svc: Service, networkId: string): string[] {
  const aliases = svc.Spec.TaskTemplate.Networks?.find((n) => n.Target === networkId)?.Aliases ?? [];
  return [...new Set([svc.Spec.Name, ...aliases])];
}

/** A service's task meant to keep running, or a job's meant to run to its end. */
function meantToRun(t: Task): boolean {
  return t.DesiredState === 'running' || t.DesiredState === 'complete';
}
