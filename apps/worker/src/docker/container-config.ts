import { hostPortBinding, LABEL, type Mount, type Network, type PortConfig, type Task } from '@flotilla/contracts';

/** The Docker Engine create body flotilla sends (a subset of ContainerCreateOptions). */
export interface ContainerCreateBody {
  name: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  Hostname?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  ExposedPorts?: Record<string, object>;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  HostConfig: {
    Mounts?: Mount[];
    PortBindings?: Record<string, { HostIp?: string; HostPort: string }[]>;
    RestartPolicy: { Name: 'no' };
    NanoCpus?: number;
    Memory?: number;
    Init?: boolean;
    ReadonlyRootfs?: boolean;
    ExtraHosts?: string[];
    Dns?: string[];
    DnsSearch?: string[];
    DnsOptions?: string[];
    CapAdd?: string[];
    CapDrop?: string[];
    Sysctls?: Record<string, string>;
    NetworkMode?: string;
    Privileged: false;
  };
  NetworkingConfig?: { EndpointsConfig: Record<string, EndpointConfig> };
}

export interface EndpointConfig {
  Aliases?: string[];
  IPAMConfig?: { IPv4Address: string };
}

/** Which of the task's networks are the overlay's on this host (see docker/task-runner and network/overlay). */
export interface OverlayContext {
  /** Ids of the networks whose engine network carries the allocated subnet: tasks take their allocated address. */
  networks: ReadonlySet<string>;
  /** Where this node's DNS answers the stack's service names (a network gateway), when it does. */
  dns?: string;
}

/** The Docker name of a task's container: its spec's own (compose's container_name), else its task name. */
export function containerName(task: Task): string {
  return task.Spec.ContainerSpec.ContainerName || taskName(task);
}

/** A task's name, as Swarm names them: service.slot.taskid. */
export function taskName(task: Task): string {
  const slot = task.Slot && task.Slot > 0 ? String(task.Slot) : task.NodeID ?? '0';
  return `${task.ServiceName ?? task.ServiceID}.${slot}.${task.ID}`;
}

export interface ExtraAttachment {
  network: string;
  aliases?: string[];
  ipv4?: string;
}

/**
 * Task -> container, as a pure function: everything Docker needs to run the
 * task, with the labels Docker's own tools put on swarm and compose
 * containers. Networks past the first are attached before start (`extra`).
 */
export function containerConfig(
  task: Task,
  nodeId: string,
  networks: ReadonlyMap<string, Network>,
  hostPorts: PortConfig[] = [],
  overlay: OverlayContext = { networks: new Set() },
): { body: ContainerCreateBody; extra: ExtraAttachment[] } {
  const cs = task.Spec.ContainerSpec;
  const res = task.Spec.Resources?.Limits;
  const labels: Record<string, string> = {
    ...cs.Labels,
    [LABEL.managed]: 'true',
    [LABEL.swarmServiceId]: task.ServiceID,
    [LABEL.swarmServiceName]: task.ServiceName ?? task.ServiceID,
    [LABEL.swarmTaskId]: task.ID,
    [LABEL.swarmTaskName]: taskName(task),
    [LABEL.swarmNodeId]: nodeId,
    [LABEL.taskSpecIndex]: String(task.SpecVersion?.Index ?? 0),
  };
  if (cs.Labels?.[LABEL.composeProject] && task.Slot) labels[LABEL.composeContainerNumber] = String(task.Slot);
  if (cs.Labels?.[LABEL.composeProject]) labels[LABEL.composeOneoff] = 'False';

  // Nameservers the user chose win; service names then resolve as Docker aliases (this host's tasks only).
  const userDns = cs.DNSConfig?.Nameservers?.length ? cs.DNSConfig.Nameservers : undefined;
  const ov: OverlayContext = userDns ? { networks: overlay.networks } : overlay;
  const dns = userDns ?? (ov.dns ? [ov.dns] : undefined);
  const attachments = (task.Spec.Networks ?? [])
    .map((a) => ({ net: networks.get(a.Target), ...overlayEndpoint(task, a.Target, a.Aliases, ov) }))
    .filter((a): a is { net: Network; aliases: string[] | undefined; ipv4: string | undefined } => a.net !== undefined);
  const [first, ...rest] = attachments;

  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp?: string; HostPort: string }[]> = {};
  for (const p of hostPorts) {
    const key = `${p.TargetPort}/${p.Protocol ?? 'tcp'}`;
    exposed[key] = {};
    // A host range goes to the engine whole ("18000-18001"): it binds a free port of it, as for 1.29's containers.
    if (p.PublishedPort) (bindings[key] ??= []).push({ ...(p.HostIP ? { HostIp: p.HostIP } : {}), HostPort: hostPortBinding(p) });
  }

  const body: ContainerCreateBody = {
    name: containerName(task),
    Image: cs.Image,
    ...(cs.Args ? { Cmd: cs.Args } : {}),
    ...(cs.Command ? { Entrypoint: cs.Command } : {}),
    ...(cs.Env ? { Env: cs.Env } : {}),
    ...(cs.Dir ? { WorkingDir: cs.Dir } : {}),
    ...(cs.User ? { User: cs.User } : {}),
    ...(cs.Hostname ? { Hostname: cs.Hostname } : {}),
    ...(cs.TTY ? { Tty: true } : {}),
    ...(cs.OpenStdin ? { OpenStdin: true } : {}),
    Labels: labels,
    ...(cs.StopSignal ? { StopSignal: cs.StopSignal } : {}),
    ...(cs.StopGracePeriod !== undefined ? { StopTimeout: Math.ceil(cs.StopGracePeriod / 1e9) } : {}),
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    ...(cs.Healthcheck ? { Healthcheck: cs.Healthcheck } : {}),
    HostConfig: {
      ...(cs.Mounts?.length ? { Mounts: cs.Mounts } : {}),
      ...(Object.keys(bindings).length ? { PortBindings: bindings } : {}),
      // Restarts are the orchestrator's job (a new task), never the engine's.
      RestartPolicy: { Name: 'no' },
      ...(res?.NanoCPUs ? { NanoCpus: res.NanoCPUs } : {}),
      ...(res?.MemoryBytes ? { Memory: res.MemoryBytes } : {}),
      ...(cs.Init !== undefined ? { Init: cs.Init } : {}),
      ...(cs.ReadOnly ? { ReadonlyRootfs: true } : {}),
      ...(cs.Hosts?.length ? { ExtraHosts: cs.Hosts.flatMap(hostsEntries) } : {}),
      ...(dns ? { Dns: dns } : {}),
      ...(cs.DNSConfig?.Search?.length ? { DnsSearch: cs.DNSConfig.Search } : {}),
      ...(cs.DNSConfig?.Options?.length ? { DnsOptions: cs.DNSConfig.Options } : {}),
      ...(cs.CapabilityAdd?.length ? { CapAdd: cs.CapabilityAdd } : {}),
      ...(cs.CapabilityDrop?.length ? { CapDrop: cs.CapabilityDrop } : {}),
      ...(cs.Sysctls ? { Sysctls: cs.Sysctls } : {}),
      ...(first ? { NetworkMode: first.net.Spec.Name } : {}),
      Privileged: false,
    },
    ...(first ? { NetworkingConfig: { EndpointsConfig: { [first.net.Spec.Name]: endpointConfig(first.aliases, first.ipv4) } } } : {}),
  };
  return { body, extra: rest.map((r) => ({ network: r.net.Spec.Name, aliases: r.aliases, ...(r.ipv4 ? { ipv4: r.ipv4 } : {}) })) };
}

/**
 * On an overlay network the task takes its allocated address; its aliases
 * (the service names) are left to the node's DNS, which knows every host's
 * tasks: as Docker aliases the engine's own DNS would answer them with this
 * host's containers only.
 */
function overlayEndpoint(task: Task, networkId: string, aliases: string[] | undefined, overlay: OverlayContext) {
  if (!overlay.networks.has(networkId)) return { aliases, ipv4: undefined };
  const addr = task.NetworksAttachments?.find((a) => a.Network.ID === networkId)?.Addresses?.[0];
  return { aliases: overlay.dns ? undefined : aliases, ipv4: addr?.split('/')[0] };
}

export function endpointConfig(aliases: string[] | undefined, ipv4: string | undefined): EndpointConfig {
  return { ...(aliases?.length ? { Aliases: aliases } : {}), ...(ipv4 ? { IPAMConfig: { IPv4Address: ipv4 } } : {}) };
}

/** Swarm's Hosts are "IP HOST..."; Docker's ExtraHosts are "HOST:IP", one per name. */
function hostsEntries(line: string): string[] {
  const parts = line.trim().split(/\s+/);
  if (parts.length === 1) return [line];
  const [ip, ...names] = parts;
  return names.map((n) => `${n}:${ip}`);
}
