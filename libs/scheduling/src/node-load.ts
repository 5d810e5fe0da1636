import { isHostRange, isTerminal, taskStateRank, type ResourceSet, type Service, type SwarmNode, type Task } from '@flotilla/contracts';

const COMPLETE = taskStateRank('complete');

/** swarmkit's: a node where a service failed this often lately goes last for that service. */
export const MAX_RECENT_FAILURES = 5;
export const RECENT_FAILURE_WINDOW_MS = 5 * 60_000;

/**
 * The host ports a service's tasks bind on their node (`mode: host`), as "tcp/8080". Not a host range:
 * the engine gives each task a free port of it, or fails the task when none is left, as 1.29's containers.
 */
export function hostPortsOf(svc: Service | undefined): string[] {
  const out: string[] = [];
  for (const p of svc?.Spec.EndpointSpec?.Ports ?? []) {
    if (p.PublishMode === 'host' && p.PublishedPort && !isHostRange(p)) out.push(`${p.Protocol ?? 'tcp'}/${p.PublishedPort}`);
  }
  return out;
}

/** What sits on one node (swarmkit's NodeInfo): counts that order nodes, what the filters check. */
export class NodeInfo {
  /** Tasks meant to run (desired at most `complete`). */
  active = 0;
  readonly activeByService = new Map<string, number>();
  /** Reserved by non-finished tasks. */
  cpu = 0;
  mem = 0;
  ports: Set<string> | undefined;
  /** Tasks per service that failed here within the recent-failure window. */
  readonly recentFailures = new Map<string, number>();

  constructor(readonly node: SwarmNode) {}

  get id(): string {
    return this.node.ID;
  }

  servicesOn(serviceId: string): number {
    return this.activeByService.get(serviceId) ?? 0;
  }

  /** The service keeps failing here: try other nodes first. */
  failing(serviceId: string): boolean {
    return (this.recentFailures.get(serviceId) ?? 0) >= MAX_RECENT_FAILURES;
  }
}

/**
 * NodeInfo for every node, built in one pass over the tasks, then updated as
 * the scheduler places tasks. Tasks on nodes it does not know are ignored.
 */
export class NodeLoad {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly portsOfService = new Map<string, string[]>();

  /** `now` enables the recent-failure count; without it no node counts as failing. */
  constructor(
    nodes: Iterable<SwarmNode>,
    private readonly now?: number,
  ) {
    for (const n of nodes) this.infos.set(n.ID, new NodeInfo(n));
  }

  get(nodeId: string): NodeInfo | undefined {
    return this.infos.get(nodeId);
  }

  /** Every node, by id, so every pass sees them in the same order. */
  all(): NodeInfo[] {
    return [...this.infos.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Counts a task already on a node; finished tasks hold nothing. */
  addExisting(t: Task, svc: Service | undefined): void {
    if (!t.NodeID) return;
    const info = this.infos.get(t.NodeID);
    if (!info) return;
    if (isTerminal(t.Status.State)) {
      if (this.now !== undefined && (t.Status.State === 'failed' || t.Status.State === 'rejected')) {
        const at = Date.parse(t.Status.Timestamp);
        if (at >= this.now - RECENT_FAILURE_WINDOW_MS) info.recentFailures.set(t.ServiceID, (info.recentFailures.get(t.ServiceID) ?? 0) + 1);
      }
      return;
    }
    this.add(info, t.ServiceID, svc, taskStateRank(t.DesiredState) <= COMPLETE, t.Spec.Resources?.Reservations);
  }

  /** Counts a task the scheduler has just placed. */
  place(info: NodeInfo, job: { svc: Service; reservations: ResourceSet | undefined }): void {
    this.add(info, job.svc.ID, job.svc, true, job.reservations);
  }

  private add(info: NodeInfo, serviceId: string, svc: Service | undefined, active: boolean, r: ResourceSet | undefined) {
    if (active) {
      info.active++;
      info.activeByService.set(serviceId, (info.activeByService.get(serviceId) ?? 0) + 1);
    }
    if (r?.NanoCPUs) info.cpu += r.NanoCPUs;
    if (r?.MemoryBytes) info.mem += r.MemoryBytes;
    let hp = this.portsOfService.get(serviceId);
    if (!hp) this.portsOfService.set(serviceId, (hp = hostPortsOf(svc)));
    if (hp.length > 0) {
      info.ports ??= new Set();
      for (const p of hp) info.ports.add(p);
    }
  }
}
