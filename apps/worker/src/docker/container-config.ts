import { LABEL, type Mount, type Network, type Task } from '@flotilla/contracts';

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
  NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases?: string[] }> };
}

/** The Docker name of a task's container, as Swarm names them: service.slot.taskid. */
export function containerName(task: Task): string {
  const slot = task.Slot && task.Slot > 0 ? String(task.Slot) : task.NodeID ?? '0';
  return `${task.ServiceName ?? task.ServiceID}.${slot}.${task.ID}`;
}

export interface ExtraAttachment {
  network: string;
  aliases?: string[];
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
  hostPorts: { TargetPort: number; PublishedPort?: number; Protocol?: string }[] = [],
): { body: ContainerCreateBody; extra: ExtraAttachment[] } {
  const cs = task.Spec.ContainerSpec;
  const res = task.Spec.Resources?.Limits;
  const labels: Record<string, string> = {
    ...cs.Labels,
    [LABEL.managed]: 'true',
    [LABEL.swarmServiceId]: task.ServiceID,
    [LABEL.swarmServiceName]: task.ServiceName ?? task.ServiceID,
    [LABEL.swarmTaskId]: task.ID,
    [LABEL.swarmTaskName]: containerName(task),
    [LABEL.swarmNodeId]: nodeId,
    [LABEL.taskSpecIndex]: String(task.SpecVersion?.Index ?? 0),
  };
  if (cs.Labels?.[LABEL.composeProject] && task.Slot) labels[LABEL.composeContainerNumber] = String(task.Slot);
  if (cs.Labels?.[LABEL.composeProject]) labels[LABEL.composeOneoff] = 'False';

  const attachments = (task.Spec.Networks ?? [])
    .map((a) => ({ net: networks.get(a.Target), aliases: a.Aliases }))
    .filter((a): a is { net: Network; aliases: string[] | undefined } => a.net !== undefined);
  const [first, ...rest] = attachments;

  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostPort: string }[]> = {};
  for (const p of hostPorts) {
    const key = `${p.TargetPort}/${p.Protocol ?? 'tcp'}`;
    exposed[key] = {};
    if (p.PublishedPort) (bindings[key] ??= []).push({ HostPort: String(p.PublishedPort) });
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
      ...(cs.DNSConfig?.Nameservers?.length ? { Dns: cs.DNSConfig.Nameservers } : {}),
      ...(cs.DNSConfig?.Search?.length ? { DnsSearch: cs.DNSConfig.Search } : {}),
      ...(cs.DNSConfig?.Options?.length ? { DnsOptions: cs.DNSConfig.Options } : {}),
      ...(cs.CapabilityAdd?.length ? { CapAdd: cs.CapabilityAdd } : {}),
      ...(cs.CapabilityDrop?.length ? { CapDrop: cs.CapabilityDrop } : {}),
      ...(cs.Sysctls ? { Sysctls: cs.Sysctls } : {}),
      ...(first ? { NetworkMode: first.net.Spec.Name } : {}),
      Privileged: false,
    },
    ...(first
      ? { NetworkingConfig: { EndpointsConfig: { [first.net.Spec.Name]: first.aliases?.length ? { Aliases: first.aliases } : {} } } }
      : {}),
  };
  return { body, extra: rest.map((r) => ({ network: r.net.Spec.Name, aliases: r.aliases })) };
}

/** Swarm's Hosts are "IP HOST..."; Docker's ExtraHosts are "HOST:IP", one per name. */
function hostsEntries(line: string): string[] {
  const parts = line.trim().split(/\s+/);
  if (parts.length === 1) return [line];
  const [ip, ...names] = parts;
  return names.map((n) => `${n}:${ip}`);
}
