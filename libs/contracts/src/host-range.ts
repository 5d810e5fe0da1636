import type { PortConfig } from './swarm-types';

/**
 * A host range onto one container port (compose's `18000-18001:80`, read as docker-compose 1.29 reads it):
 * each container binds one free port of the range on its own host, so nothing is published through the mesh.
 */
export function isHostRange(p: PortConfig): p is PortConfig & { PublishedPort: number; PublishedPortEnd: number } {
  return p.PublishedPort !== undefined && p.PublishedPortEnd !== undefined && p.PublishedPortEnd > p.PublishedPort;
}

/** The engine's HostPort for a published port: "8000", or "18000-18001" for a host range (the engine picks one). */
export function hostPortBinding(p: PortConfig): string {
  return isHostRange(p) ? `${p.PublishedPort}-${p.PublishedPortEnd}` : String(p.PublishedPort);
}

/**
 * The ports one task answers on: the service's, each host range replaced by the port its container got
 * (the task's PortStatus; unbound while it has none).
 */
export function taskPorts(service: readonly PortConfig[], status: readonly PortConfig[] | undefined): PortConfig[] {
  const key = (p: PortConfig) => `${p.TargetPort}/${p.Protocol ?? 'tcp'}/${p.HostIP ?? ''}`;
  const got = new Map<string, PortConfig[]>();
  for (const p of status ?? []) got.set(key(p), [...(got.get(key(p)) ?? []), p]);
  return service.flatMap((p) => {
    if (!isHostRange(p)) return [p];
    const { PublishedPortEnd: _end, PublishedPort: _start, ...rest } = p;
    const bound = (got.get(key(p)) ?? []).filter((b) => b.PublishedPort !== undefined && b.PublishedPort >= p.PublishedPort && b.PublishedPort <= p.PublishedPortEnd);
    // Not reported (yet): the container port alone, as an unbound one.
    return bound.length ? bound.map((b) => ({ ...rest, PublishedPort: b.PublishedPort })) : [rest];
  });
}
