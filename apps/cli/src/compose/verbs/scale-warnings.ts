import type { PortDef } from '@flotilla/compose';

/**
 * 1.29's warnings for a service about to run more than one container (Service.show_scale_warnings): a
 * custom container name (the second container's name is taken), and a host port, said where it holds on flotilla: a host-mode port, or a host range
 * (each container binds one port of it on its host). A plain published port goes through the routing
 * mesh, where replicas share it and nothing clashes, so flotilla does not warn of it.
 */
export function scaleWarnings(service: { name: string; ports: readonly PortDef[]; container_name?: string }, replicas: number): string[] {
  if (replicas <= 1) return [];
  const out: string[] = [];
  if (service.container_name) {
    out.push(`The "${service.name}" service is using the custom container name "${service.container_name}". Docker requires each container to have a unique name. Remove the custom name to scale the service.`);
  }
  const clashes = service.ports.some((p) => p.published !== undefined && (p.mode === 'host' || (p.published_end ?? p.published) > p.published));
  if (clashes) out.push(`The "${service.name}" service specifies a port on the host. If multiple containers for this service are created on a single host, the port will clash.`);
  return out;
}
