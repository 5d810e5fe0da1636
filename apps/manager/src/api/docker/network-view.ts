import type { Network, NetworkSpec } from '@flotilla/contracts';

/** The body of Docker's POST /networks/create (the fields flotilla keeps). */
export interface NetworkCreateRequest {
  Name: string;
  CheckDuplicate?: boolean;
  Driver?: string;
  Scope?: string;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Options?: Record<string, string> | null; Config?: { Subnet?: string; IPRange?: string; Gateway?: string }[] | null } | null;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  ConfigOnly?: boolean;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** Docker's create request -> the swarm NetworkSpec the store keeps. */
export function specFromCreate(r: NetworkCreateRequest): NetworkSpec {
  const configs = (r.IPAM?.Config ?? []).map((c) => ({
    ...(c.Subnet ? { Subnet: c.Subnet } : {}),
    ...(c.Gateway ? { Gateway: c.Gateway } : {}),
    ...(c.IPRange ? { Range: c.IPRange } : {}),
  }));
  return {
    Name: r.Name,
    ...(r.Labels && Object.keys(r.Labels).length ? { Labels: r.Labels } : {}),
    DriverConfiguration: { Name: 'overlay', ...(r.Options && Object.keys(r.Options).length ? { Options: r.Options } : {}) },
    ...(r.Attachable ? { Attachable: true } : {}),
    ...(r.Internal ? { Internal: true } : {}),
    ...(r.EnableIPv6 ? { IPv6Enabled: true } : {}),
    ...(configs.length ? { IPAMOptions: { Driver: { Name: r.IPAM?.Driver || 'default' }, Configs: configs } } : {}),
  };
}

/** A stored network as Docker's /networks answers it (swarm scope; no local containers are known here). */
export function networkResource(n: Network) {
  const s = n.Spec;
  return {
    Name: s.Name,
    Id: n.ID,
    Created: n.CreatedAt,
    Scope: 'swarm',
    Driver: s.DriverConfiguration?.Name ?? 'overlay',
    EnableIPv6: s.IPv6Enabled ?? false,
    IPAM: {
      Driver: s.IPAMOptions?.Driver?.Name ?? 'default',
      Options: null,
      Config: (s.IPAMOptions?.Configs ?? []).map((c) => ({
        ...(c.Subnet ? { Subnet: c.Subnet } : {}),
        ...(c.Range ? { IPRange: c.Range } : {}),
        ...(c.Gateway ? { Gateway: c.Gateway } : {}),
      })),
    },
    Internal: s.Internal ?? false,
    Attachable: s.Attachable ?? false,
    Ingress: s.Ingress ?? false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: null,
    Options: s.DriverConfiguration?.Options ?? {},
    Labels: s.Labels && Object.keys(s.Labels).length ? s.Labels : null,
  };
}
