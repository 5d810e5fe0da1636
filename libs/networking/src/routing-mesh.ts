import type { MeshPort, PortConfig } from '@flotilla/contracts';
import type { StateView } from '@flotilla/state';
import { formatIp } from './ipv4';
import { nodeAddress } from './subnet-pool';

/** An ingress port and the host addresses of the nodes running its service's tasks. */
export interface MeshEntry {
  publishedPort: number;
  serviceId: string;
  hostIp?: string;
  hosts: { nodeId: string; addr: string }[];
}

/** A port every node answers (the routing mesh serves TCP ports published in ingress mode). */
export function isMeshPort(p: PortConfig): p is PortConfig & { PublishedPort: number } {
  return !!p.PublishedPort && p.PublishMode !== 'host' && (p.Protocol ?? 'tcp') === 'tcp';
}

/**
 * The routing mesh of a view (pure): every published TCP port in ingress mode
 * with the nodes whose tasks of that service are running. Computed once per
 * store index and then cut per node by `meshFor`.
 */
export function meshTable(view: StateView): MeshEntry[] {
  const out: MeshEntry[] = [];
  for (const svc of view.services.values()) {
    const ports = (svc.Spec.EndpointSpec?.Ports ?? []).filter(isMeshPort);
    if (ports.length === 0) continue;
    const hosts = new Map<string, string>();
    for (const t of view.tasksOfService(svc.ID)) {
      if (!t.NodeID || t.DesiredState !== 'running' || t.Status.State !== 'running' || hosts.has(t.NodeID)) continue;
      const addr = nodeAddress(view.nodes.get(t.NodeID)?.Status.Addr);
      if (addr !== undefined) hosts.set(t.NodeID, formatIp(addr));
    }
    const list = [...hosts].map(([nodeId, addr]) => ({ nodeId, addr })).sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
    for (const p of ports) out.push({ publishedPort: p.PublishedPort, serviceId: svc.ID, ...(p.HostIP ? { hostIp: p.HostIP } : {}), hosts: list });
  }
  return out.sort((a, b) => a.publishedPort - b.publishedPort);
}

/** One node's part: every ingress port, with the other hosts to pass connections to (never its own address). */
export function meshFor(table: readonly MeshEntry[], selfAddr: string | undefined): MeshPort[] {
  const self = nodeAddress(selfAddr);
  const me = self === undefined ? undefined : formatIp(self);
  return table.map((e) => ({
    publishedPort: e.publishedPort,
    serviceId: e.serviceId,
    ...(e.hostIp ? { hostIp: e.hostIp } : {}),
    remotes: [...new Set(e.hosts.map((h) => h.addr).filter((a) => a !== me))],
  }));
}
