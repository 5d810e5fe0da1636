import { Command } from 'commander';
import { connect } from '../client/local-cluster';
import type { StackState } from '../client/api-client';
import { composeTable } from '../format/table';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { composeService, currentTasks } from './task-view';
import { containerName } from './container-name';
import { taskPorts, type Task } from '@flotilla/contracts';
import { CliError } from '../errors';
import { stoppedRows, servicesList } from './verbs/ps-stopped';
import { command } from './verbs/ps-command';

export function psCommand(): Command {
  const cmd = new Command('ps')
    .description('List containers')
    .argument('[SERVICE...]')
    .option('-q, --quiet', 'only display IDs')
    .option('--services', 'display services')
    .option('-a, --all', 'show all stopped containers, history included')
    .option('--filter <KEY=VAL>', 'filter services by a property (status=running|stopped, source=image|build; with --services)');
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const o = cmd.opts<{ quiet?: boolean; services?: boolean; all?: boolean; filter?: string }>();
    if (o.quiet && o.services) throw new CliError('--quiet and --services cannot be combined');
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    const { client } = await connect({ autostart: false });
    const state = await client.stack(project.name);
    // 1.29 lists the file's services here, deployed or not.
    if (o.services) return void process.stdout.write(servicesList(project, state, o.filter));
    process.stdout.write(renderPs(state, project.name, { ...o, filter: services }));
  });
  return cmd;
}

export function renderPs(
  state: StackState,
  project: string,
  o: { quiet?: boolean; services?: boolean; all?: boolean; filter: string[] },
): string {
  const svcById = new Map(state.services.map((s) => [s.ID, s]));
  const keep = (name: string) => o.filter.length === 0 || o.filter.includes(name);
  if (o.services) {
    return state.services.map(composeService).filter(keep).sort().map((n) => n + '\n').join('');
  }
  const tasks = (o.all ? state.tasks : currentTasks(state)).filter((t) => {
    const s = svcById.get(t.ServiceID);
    return s && keep(composeService(s)) && !neverMade(t);
  });
  const rows = tasks
    .map((t) => {
      const s = svcById.get(t.ServiceID)!;
      const name = containerName(project, composeService(s), t.Slot || t.NodeID?.slice(0, 12) || '', t.Spec.ContainerSpec.ContainerName);
      // 1.29 reads ports from the container's bindings, which an ended container no longer has.
      const bound = t.Status.State === 'running' || t.Status.State === 'starting';
      // A host range shows the one port its container got (the task's PortStatus), as 1.29 shows the engine's binding.
      const cell = bound ? ports(taskPorts(s.Endpoint?.Spec?.Ports ?? s.Spec.EndpointSpec?.Ports ?? [], t.Status.PortStatus?.Ports), t.Status.ContainerStatus?.PublishedOn) : '';
      return { name, cells: [name, command(t), stateText(t), cell], id: t.Status.ContainerStatus?.ContainerID ?? '' };
    })
    // A stopped service's containers are gone in flotilla: listed from the count it remembers, without IDs.
    .concat(o.quiet ? [] : stoppedRows(state, project, keep).map((cells) => ({ name: cells[0], cells, id: '' })))
    // 1.29 sorts by name as Python compares strings (code points): `p_web_10` before `p_web_2`, `a-db` before `a_app_1`.
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (o.quiet) return rows.map((r) => r.id + '\n').join('');
  return composeTable(['Name', 'Command', 'State', 'Ports'], rows.map((r) => r.cells));
}


/**
 * A task the engine never made a container for (its image missing, its name taken): 1.29 lists containers,
 * and `up` has said why. One made but not started is listed (`Exit 128`).
 */
function neverMade(t: Task): boolean {
  return t.Status.State === 'rejected' && !t.Status.ContainerStatus?.ContainerID;
}

/** docker-compose's State column from the task as the worker last saw its container. */
export function stateText(t: Task): string {
  const st = t.Status;
  switch (st.State) {
    case 'running':
      // 1.29 says `Paused` whatever the health (container.py human_readable_state).
      if (st.ContainerStatus?.Paused) return 'Paused';
      return st.ContainerStatus?.Health === 'healthy' ? 'Up (healthy)' : 'Up';
    case 'starting':
      // A started container whose healthcheck has not passed yet.
      return st.ContainerStatus?.Health === 'starting' ? 'Up (health: starting)' : 'Starting';
    case 'complete':
      return 'Exit 0';
    case 'failed':
      return `Exit ${st.ContainerStatus?.ExitCode ?? 1}`;
    case 'shutdown':
      return st.ContainerStatus?.ExitCode !== undefined ? `Exit ${st.ContainerStatus.ExitCode}` : 'Exit 0';
    case 'rejected':
      // Made but not started (a port already taken): the engine keeps it `Created` with exit code 128, as 1.29 shows it.
      if (st.ContainerStatus?.ContainerID) return 'Exit 128';
      return `Rejected: ${st.Err ?? ''}`.trim();
    case 'pending':
      return st.Err ? `Pending: ${st.Err}` : 'Pending';
    default:
      return st.State.charAt(0).toUpperCase() + st.State.slice(1);
  }
}

/**
 * 1.29's Ports cell: per container port (sorted as text, `8080/tcp`), its bindings joined by `,`,
 * the ports by `, `. A binding per address the task's node publishes on (its worker's report):
 * `0.0.0.0:P->T/tcp,:::P->T/tcp` where the host has IPv6, as the engine binds; IPv4's alone where not.
 * A task reported by a worker that did not say is shown with both, as most hosts publish.
 */
export function ports(ps: { TargetPort: number; PublishedPort?: number; Protocol?: string; HostIP?: string }[], addresses: string[] = ['0.0.0.0', '::']): string {
  const byKey = new Map<string, { port: number; hostIp?: string }[]>();
  for (const p of ps) {
    const key = `${p.TargetPort}/${p.Protocol ?? 'tcp'}`;
    const published = byKey.get(key) ?? [];
    if (p.PublishedPort) published.push({ port: p.PublishedPort, hostIp: p.HostIP });
    byKey.set(key, published);
  }
  // The engine lists a port's all-address bindings before those on one address (`127.0.0.1:P:T`).
  const bindings = (key: string, published: { port: number; hostIp?: string }[]) =>
    [...published.filter((b) => !b.hostIp).flatMap((b) => addresses.map((a) => `${a}:${b.port}->${key}`)), ...published.filter((b) => b.hostIp).map((b) => `${b.hostIp}:${b.port}->${key}`)].join(',');
  return [...byKey]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, published]) => (published.length ? bindings(key, published) : key))
    .join(', ');
}
