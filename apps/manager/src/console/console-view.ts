import { LABEL, isTerminal, type Service, type SwarmNode, type Task } from '@flotilla/contracts';
import type { StateView } from '@flotilla/state';
import { withStatus } from '../api/docker/services.service';
import { modeName, ports, replicasText } from '../../../cli/src/format/swarm-format';

/** One row of the console's node table (the columns of `docker node ls`, plus engine and resources). */
export interface ConsoleNode {
  id: string;
  hostname: string;
  role: string;
  leader: boolean;
  manager: string;
  status: string;
  availability: string;
  engine: string;
  cpus: number;
  memoryBytes: number;
  addr: string;
}

export interface ConsoleService {
  id: string;
  name: string;
  mode: string;
  /** `docker service ls`'s REPLICAS text, from the same ServiceStatus the Docker API answers. */
  replicas: string;
  running: number;
  desired: number;
  image: string;
  ports: string;
  update: string;
  stack: string;
}

export interface ConsoleTask {
  id: string;
  name: string;
  serviceId: string;
  nodeId: string;
  slot: number;
  state: string;
  desired: string;
  health: string;
  error: string;
  /** When the task entered its state; the page turns it into an age with its own clock. */
  since: string;
}

export interface ConsoleView {
  index: number;
  nodes: ConsoleNode[];
  services: ConsoleService[];
  tasks: ConsoleTask[];
  stacks: { name: string; services: number }[];
  networks: string[];
  secrets: string[];
  configs: string[];
}

/** How many ended tasks of each service the page keeps, for their errors (`service ps` history). */
export const ENDED_PER_SERVICE = 5;

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/**
 * The console's view model: a pure function of the replicated state. `nodes` are
 * the store's nodes with their live manager status (what `node ls` shows).
 */
export function consoleView(view: StateView, nodes: readonly SwarmNode[]): ConsoleView {
  const services = consoleServices(view);
  const names = new Map(services.map((s) => [s.id, s.name]));
  const tasks: ConsoleTask[] = [];
  for (const s of view.services.values()) tasks.push(...visibleTasks(view.tasksOfService(s.ID)).map((t) => taskRow(t, names.get(s.ID) ?? s.Spec.Name)));
  return { index: view.index, nodes: consoleNodes(nodes), services, tasks, ...consoleLists(view, services) };
}

/** The service rows, by name. */
export function consoleServices(view: StateView): ConsoleService[] {
  return [...view.services.values()].map((s) => serviceRow(withStatus(s, view))).sort(byName);
}

/** The node rows, in `node ls` order (hostname). */
export function consoleNodes(nodes: readonly SwarmNode[]): ConsoleNode[] {
  return nodes.map(nodeRow).sort((a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id));
}

/** Stacks (from the services' labels), networks, secrets and configs: names only. */
export function consoleLists(view: StateView, services: readonly ConsoleService[]): Pick<ConsoleView, 'stacks' | 'networks' | 'secrets' | 'configs'> {
  const stacks = new Map<string, number>();
  for (const s of services) if (s.stack) stacks.set(s.stack, (stacks.get(s.stack) ?? 0) + 1);
  return {
    stacks: [...stacks].map(([name, n]) => ({ name, services: n })).sort(byName),
    networks: [...view.networks.values()].map((n) => n.Spec.Name).sort(),
    secrets: [...view.secrets.values()].map((s) => s.Spec.Name).sort(),
    configs: [...view.configs.values()].map((c) => c.Spec.Name).sort(),
  };
}

export interface ServiceDetail {
  service: ConsoleService;
  tasks: ConsoleTask[];
}

/** What the service page shows of one service (by ID or name): its row and its tasks in full. */
export function serviceDetail(view: StateView, idOrName: string): ServiceDetail | undefined {
  const s = view.services.get(idOrName) ?? [...view.services.values()].find((x) => x.Spec.Name === idOrName);
  if (!s) return undefined;
  return { service: serviceRow(withStatus(s, view)), tasks: visibleTasks(view.tasksOfService(s.ID)).map((t) => taskRow(t, s.Spec.Name)) };
}

/** The tasks that should run (or ran to completion), and the latest few that ended, newest first. */
function visibleTasks(all: readonly Task[]): Task[] {
  const isCurrent = (t: Task) => t.DesiredState !== 'shutdown' && t.DesiredState !== 'remove';
  const current = all.filter(isCurrent);
  const ended = all
    .filter((t) => !isCurrent(t) && isTerminal(t.Status.State))
    .sort((a, b) => (a.Status.Timestamp < b.Status.Timestamp ? 1 : -1))
    .slice(0, ENDED_PER_SERVICE);
  return [...current.sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0)), ...ended];
}

function nodeRow(n: SwarmNode): ConsoleNode {
  const m = n.ManagerStatus;
  return {
    id: n.ID,
    hostname: n.Description.Hostname,
    role: n.Spec.Role,
    leader: m?.Leader === true,
    // `node ls`'s MANAGER STATUS column.
    manager: !m ? '' : m.Leader ? 'Leader' : m.Reachability === 'reachable' ? 'Reachable' : m.Reachability === 'unreachable' ? 'Unreachable' : 'Unknown',
    status: n.Status.State,
    availability: n.Spec.Availability,
    engine: n.Description.Engine.EngineVersion,
    cpus: n.Description.Resources.NanoCPUs / 1e9,
    memoryBytes: n.Description.Resources.MemoryBytes,
    addr: n.Status.Addr,
  };
}

function serviceRow(s: Service): ConsoleService {
  const st = s.ServiceStatus ?? { RunningTasks: 0, DesiredTasks: 0, CompletedTasks: 0 };
  return {
    id: s.ID,
    name: s.Spec.Name,
    mode: modeName(s),
    replicas: replicasText(s),
    running: st.RunningTasks,
    desired: st.DesiredTasks,
    image: s.Spec.TaskTemplate.ContainerSpec.Image.split('@')[0],
    ports: ports(s.Endpoint?.Ports ?? s.Spec.EndpointSpec?.Ports ?? []),
    update: s.UpdateStatus?.State ?? '',
    stack: s.Spec.Labels?.[LABEL.stackNamespace] ?? '',
  };
}

function taskRow(t: Task, serviceName: string): ConsoleTask {
  return {
    id: t.ID,
    name: `${serviceName}.${t.Slot || t.NodeID}`,
    serviceId: t.ServiceID,
    nodeId: t.NodeID ?? '',
    slot: t.Slot ?? 0,
    state: t.Status.State,
    desired: t.DesiredState,
    health: t.Status.ContainerStatus?.Health ?? '',
    error: t.Status.Err ?? '',
    since: t.Status.Timestamp,
  };
}
