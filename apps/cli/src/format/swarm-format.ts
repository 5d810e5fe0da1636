import { hostPortBinding, type PortConfig, type Service, type SwarmNode, type Task } from '@flotilla/contracts';
import { dockerTable } from './table';
import { humanDuration } from './human-duration';

const cap = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
const id = (s: string, noTrunc: boolean) => (noTrunc ? s : s.slice(0, 12));

/** `docker service ls` columns. */
export function serviceTable(services: Service[], o: { quiet?: boolean; noTrunc?: boolean } = {}): string {
  if (o.quiet) return services.map((s) => id(s.ID, !!o.noTrunc) + '\n').join('');
  const rows = [...services]
    .sort((a, b) => a.Spec.Name.localeCompare(b.Spec.Name))
    .map((s) => {
      return [id(s.ID, !!o.noTrunc), s.Spec.Name, modeName(s), replicasText(s), image(s.Spec.TaskTemplate.ContainerSpec.Image, !!o.noTrunc), ports(s.Endpoint?.Ports ?? s.Spec.EndpointSpec?.Ports ?? [])];
    });
  return dockerTable(['ID', 'NAME', 'MODE', 'REPLICAS', 'IMAGE', 'PORTS'], rows);
}

/** docker's MODE column: replicated, global, replicated job, global job. */
export function modeName(s: Service): string {
  const m = s.Spec.Mode;
  return 'ReplicatedJob' in m ? 'replicated job' : 'GlobalJob' in m ? 'global job' : 'Global' in m ? 'global' : 'replicated';
}

/** docker's REPLICAS column; a job's adds its completions: "1/2 (3/5 completed)". */
export function replicasText(s: Service): string {
  const st = s.ServiceStatus;
  if (!st) return '';
  const base = `${st.RunningTasks}/${st.DesiredTasks}`;
  const m = s.Spec.Mode;
  if ('ReplicatedJob' in m) return `${base} (${st.CompletedTasks}/${m.ReplicatedJob.TotalCompletions || m.ReplicatedJob.MaxConcurrent || 1} completed)`;
  if ('GlobalJob' in m) return `${base} (${st.CompletedTasks}/${st.DesiredTasks + st.CompletedTasks} completed)`;
  return base;
}

export function ports(ps: PortConfig[]): string {
  return ps
    .filter((p) => p.PublishedPort)
    // A host range (flotilla's PublishedPortEnd) shows whole: each task has one port of it.
    .map((p) => (p.PublishMode === 'host' ? `${hostPortBinding(p)}:${p.TargetPort}/${p.Protocol ?? 'tcp'}` : `*:${p.PublishedPort}->${p.TargetPort}/${p.Protocol ?? 'tcp'}`))
    .join(', ');
}

function image(ref: string, noTrunc: boolean): string {
  return noTrunc ? ref : ref.split('@')[0];
}

/** `docker service ps` / `stack ps`: slots in order, history under each as " \_ name". */
export function taskTable(
  tasks: Task[],
  services: Map<string, Service>,
  nodes: Map<string, SwarmNode>,
  now: number,
  o: { quiet?: boolean; noTrunc?: boolean } = {},
): string {
  const key = (t: Task) => `${t.ServiceID}/${t.Slot || t.NodeID}`;
  const groups = new Map<string, Task[]>();
  for (const t of tasks) groups.set(key(t), [...(groups.get(key(t)) ?? []), t]);
  const ordered: { t: Task; first: boolean }[] = [];
  const groupName = (g: Task[]) => `${services.get(g[0].ServiceID)?.Spec.Name ?? g[0].ServiceName}.${g[0].Slot || g[0].NodeID}`;
  const sortedGroups = [...groups.values()].sort((a, b) => {
    const sa = services.get(a[0].ServiceID)?.Spec.Name ?? '';
    const sb = services.get(b[0].ServiceID)?.Spec.Name ?? '';
    return sa.localeCompare(sb) || (a[0].Slot ?? 0) - (b[0].Slot ?? 0) || groupName(a).localeCompare(groupName(b));
  });
  for (const g of sortedGroups) {
    g.sort((a, b) => (a.CreatedAt < b.CreatedAt ? 1 : a.CreatedAt > b.CreatedAt ? -1 : 0));
    g.forEach((t, i) => ordered.push({ t, first: i === 0 }));
  }
  if (o.quiet) return ordered.map(({ t }) => id(t.ID, !!o.noTrunc) + '\n').join('');
  const rows = ordered.map(({ t, first }) => {
    const name = `${services.get(t.ServiceID)?.Spec.Name ?? t.ServiceName}.${t.Slot || t.NodeID}`;
    const err = t.Status.Err ? `"${!o.noTrunc && t.Status.Err.length > 30 ? t.Status.Err.slice(0, 29) + '…' : t.Status.Err}"` : '';
    const since = humanDuration(now - Date.parse(t.Status.Timestamp));
    return [
      id(t.ID, !!o.noTrunc),
      first ? name : ` \\_ ${name}`,
      image(t.Spec.ContainerSpec.Image, !!o.noTrunc),
      t.NodeID ? (nodes.get(t.NodeID)?.Description.Hostname ?? t.NodeID) : '',
      cap(t.DesiredState),
      `${cap(t.Status.State)} ${since} ago`,
      err,
      '',
    ];
  });
  return dockerTable(['ID', 'NAME', 'IMAGE', 'NODE', 'DESIRED STATE', 'CURRENT STATE', 'ERROR', 'PORTS'], rows);
}

/** `docker node ls`, the current node starred. */
export function nodeTable(nodes: SwarmNode[], self: string | undefined, o: { quiet?: boolean } = {}): string {
  if (o.quiet) return nodes.map((n) => n.ID + '\n').join('');
  const rows = [...nodes]
    .sort((a, b) => a.Description.Hostname.localeCompare(b.Description.Hostname) || a.ID.localeCompare(b.ID))
    .map((n) => [
      n.ID === self ? `${n.ID} *` : n.ID,
      n.Description.Hostname,
      cap(n.Status.State),
      cap(n.Spec.Availability),
      n.ManagerStatus ? (n.ManagerStatus.Leader ? 'Leader' : cap(n.ManagerStatus.Reachability)) : '',
      n.Description.Engine.EngineVersion,
    ]);
  return dockerTable(['ID', 'HOSTNAME', 'STATUS', 'AVAILABILITY', 'MANAGER STATUS', 'ENGINE VERSION'], rows);
}
