import { isHostRange, type PortConfig } from '@flotilla/contracts';

/** One host binding as the engine reports it (inspect's NetworkSettings.Ports, or a container list's Ports). */
export interface EngineBinding {
  target: number;
  protocol: string;
  hostPort: number;
  /** Where it listens: '0.0.0.0', '::', or the port's own address. */
  hostIp?: string;
}

/** Inspect's `NetworkSettings.Ports` ("80/tcp" -> [{HostIp, HostPort}] or null) as bindings. */
export function inspectBindings(ports: Record<string, { HostIp?: string; HostPort?: string }[] | null | undefined> | undefined): EngineBinding[] {
  const out: EngineBinding[] = [];
  for (const [key, list] of Object.entries(ports ?? {})) {
    const [target, protocol = 'tcp'] = key.split('/');
    for (const b of list ?? []) if (b.HostPort) out.push({ target: Number(target), protocol, hostPort: Number(b.HostPort), ...(b.HostIp ? { hostIp: b.HostIp } : {}) });
  }
  return out;
}

/** A container list's `Ports` ([{IP, PrivatePort, PublicPort, Type}], unbound ones without PublicPort) as bindings. */
export function listBindings(ports: readonly { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[] | undefined): EngineBinding[] {
  return (ports ?? []).filter((p) => p.PublicPort).map((p) => ({ target: p.PrivatePort, protocol: p.Type, hostPort: p.PublicPort!, ...(p.IP ? { hostIp: p.IP } : {}) }));
}

/**
 * The port of each of the service's host ranges that the engine gave this container (one per range, though
 * the engine lists it once per address family), as the task's PortStatus keeps it. None for a range it has
 * no binding in (a container not started).
 */
export function rangePortsGot(service: readonly PortConfig[], bound: readonly EngineBinding[]): PortConfig[] {
  const out: PortConfig[] = [];
  for (const p of service) {
    if (!isHostRange(p)) continue;
    const b = bound.find((x) => bindsRange(x, p));
    if (b) out.push({ Protocol: p.Protocol ?? 'tcp', TargetPort: p.TargetPort, PublishedPort: b.hostPort, PublishMode: 'host', ...(p.HostIP ? { HostIP: p.HostIP } : {}) });
  }
  return out;
}

/**
 * The addresses the engine bound the host ranges without an address of their own on ('0.0.0.0', and '::'
 * where the host has IPv6): what `compose ps` prints a binding for, as 1.29 prints the engine's.
 */
export function rangeAddresses(service: readonly PortConfig[], bound: readonly EngineBinding[]): string[] {
  const out = new Set<string>();
  for (const p of service) {
    if (!isHostRange(p) || p.HostIP) continue;
    for (const b of bound) if (b.hostIp && bindsRange(b, p)) out.add(b.hostIp);
  }
  return [...out];
}

/** A binding of the range's target port, protocol and one of its ports. */
function bindsRange(b: EngineBinding, p: PortConfig & { PublishedPort: number; PublishedPortEnd: number }): boolean {
  return b.target === p.TargetPort && b.protocol === (p.Protocol ?? 'tcp') && b.hostPort >= p.PublishedPort && b.hostPort <= p.PublishedPortEnd;
}
