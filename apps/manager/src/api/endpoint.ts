import type { Service, ServiceSpec } from '@flotilla/contracts';

/** The Endpoint Docker shows for a spec: its published ports, which `service ls` prints. */
export function endpointOf(spec: ServiceSpec): Service['Endpoint'] {
  const ports = (spec.EndpointSpec?.Ports ?? []).map((p) => ({ Protocol: p.Protocol ?? 'tcp', ...p, PublishMode: p.PublishMode ?? 'ingress' }));
  return { Spec: spec.EndpointSpec ?? {}, ...(ports.length ? { Ports: ports } : {}) };
}
