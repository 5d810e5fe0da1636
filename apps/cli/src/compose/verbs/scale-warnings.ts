import type { PortDef } from '@flotilla/compose';

/**
 * 1.29's warning for a service about to run more than one container with a host port
 * (Service.show_scale_warnings), said where it holds on flotilla: a host-mode port, or a host range
 * (each container binds one port of it on its host). A plain published port goes through the routing
 * mesh, where replicas share it and nothing clashes, so flotilla does not warn of it.
 */
export function scaleWarnings(service: { name: string; ports: readonly PortDef[] }, replicas: number): string[] {
  if (replicas <= 1) return [];
  const clashes = service.ports.some((p) => p.published !== undefined && (p.mode === 'host' || (p.published_end ?? p.published) > p.published));
  return clashes ? [`The "${service.name}" service specifies a port on the host. If multiple containers for this service are created on a single host, the port will clash.`] : [];
}
