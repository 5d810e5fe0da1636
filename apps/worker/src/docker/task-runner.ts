import { Logger } from '@nestjs/common';
import { isImageId, LABEL, shippingMessage, type Config, type FlotillaError, type Network, type Secret, type ShipProgress, type Task, type TaskReport, type Volume, type PortConfig } from '@flotilla/contracts';
import type { DockerAdapter } from './docker.adapter';
import { allocationOf, formatIp } from '@flotilla/networking';
import { containerConfig, type OverlayContext } from './container-config';
import { inspectBindings, rangeAddresses, rangePortsGot } from './range-ports';
import { bridgeNetworkCreate, carriesAllocation, isPoolOverlap } from '../network/overlay/bridge-network';
import type { ImageShipper } from './image-shipper';
import { Semaphore } from '../agent/semaphore';
import { unhealthyReport } from './plan-containers';
import { addSecretMounts, planSecretFiles, removeSecretFiles, writeSecretFiles, type SecretFile } from './secret-files';
import { onTmpfs } from './secrets-tmpfs';
import { ImagePresence } from './image-presence';

/** One container of a stop round. */
export interface StopItem {
  task: Task;
  containerId: string;
  remove: boolean;
}

export interface RunContext {
  nodeId: string;
  clusterId: string;
  networks: ReadonlyMap<string, Network>;
  volumes: ReadonlyMap<string, Volume>;
  ports: (serviceId: string) => PortConfig[];
  /** Where task secret/config files live (under the worker's data dir), and the data the set carried. */
  secretsDir?: string;
  secrets?: ReadonlyMap<string, Secret>;
  configs?: ReadonlyMap<string, Config>;
  /** Serves the node's DNS on an overlay network's gateway; true when it does (see network/overlay). */
  serveDns?: (net: Network) => Promise<boolean>;
}

/** How long a network made for a one-off waits for its container before it may be collected. */
const ONEOFF_HOLD_MS = 30_000;

/**
 * Carries one task's container through preparing -> starting -> running, or
 * stops/removes it. Each step reports; a failure before start is `rejected`
 * (nothing ran), after it `failed`.
 */
export class TaskRunner {
  private readonly log = new Logger(TaskRunner.name);
  private readonly sem: Semaphore;
  private readonly netLock = new Map<string, Promise<boolean>>();
  /** Networks made for one-offs, by name, and when. */
  private readonly preparedAt = new Map<string, number>();
  /** Images seen present recently: fifty tasks of one image ask the engine once, not fifty times. */
  private readonly images: ImagePresence;
  /** Stops issued and not yet answered, over all rounds, and the removals waiting for them to end. */
  private stopping = 0;
  private readonly stopsDone: (() => void)[] = [];
  /** Learnt from the context: where removed tasks' secret files are deleted. */
  private secretsDir?: string;

  constructor(
    private readonly docker: DockerAdapter,
    private readonly report: (r: TaskReport) => void,
    parallelism: number,
    private readonly shipper?: ImageShipper,
  ) {
    this.sem = new Semaphore(parallelism);
    this.images = new ImagePresence((image) => this.docker.imageExists(image));
  }

  async create(task: Task, ctx: RunContext): Promise<{ containerId: string; ip?: string; healthGated?: boolean } | undefined> {
    const id = task.ID;
    let secretFiles: SecretFile[] | undefined;
    this.report({ taskId: id, state: 'preparing', message: 'preparing' });
    const overlay: { networks: Set<string>; dns?: string } = { networks: new Set() };
    try {
      for (const a of task.Spec.Networks ?? []) {
        const net = ctx.networks.get(a.Target);
        if (!net || !(await this.ensureNetwork(net, ctx.clusterId))) continue;
        overlay.networks.add(net.ID);
        // The first network whose gateway serves DNS answers for all of the task's networks.
        if (!overlay.dns && (await ctx.serveDns?.(net))) overlay.dns = formatIp(allocationOf(net)!.gateway);
      }
      for (const m of task.Spec.ContainerSpec.Mounts ?? []) {
        if (m.Type !== 'volume' || !m.Source) continue;
        const vol = [...ctx.volumes.values()].find((v) => v.Spec.Name === m.Source);
        if (vol) await this.ensureVolume(vol, ctx.clusterId);
      }
      secretFiles = await this.prepareSecrets(task, ctx);
      if (!secretFiles) return undefined;
      const image = task.Spec.ContainerSpec.Image;
      // A compose task names its build: one look at what the name points at here says both whether the
      // image is present and whether it is that build (rebuilt since, the name still points at the old one).
      const want = wantedBuild(task);
      const local = want !== undefined ? await this.docker.imageId(image) : undefined;
      const present = want !== undefined ? local !== undefined : await this.images.has(image);
      const stale = present && want !== undefined && !!this.shipper && local !== want;
      if (!present || stale) {
        if (!this.shipper) {
          this.report({ taskId: id, state: 'rejected', message: 'preparing', err: `No such image: ${image}` });
          return undefined;
        }
        // Still `preparing`, as Docker's task is while it pulls: the image comes from a manager's engine.
        // The message says so, for the CLI's progress (`docker service ps` shows only the state).
        this.report({ taskId: id, state: 'preparing', message: shippingMessage(image) });
        // Then the bytes as they come (a new message within `preparing`: the state machine takes it), as docker shows a pull.
        const progress = (p: ShipProgress) => this.report({ taskId: id, state: 'preparing', message: shippingMessage(image, p) });
        try {
          await this.shipper.ensure(image, progress, want);
        } catch (e) {
          // No engine holds that build any more (rebuilt again since): what the name points at, as before.
          if (!want || (e as FlotillaError).code !== 'not_found') throw e;
          if (!present) await this.shipper.ensure(image, progress);
        }
      }
    } catch (e) {
      this.report({ taskId: id, state: 'rejected', message: 'preparing', err: errMessage(e) });
      return undefined;
    }
    const hostPorts = ctx.ports(task.ServiceID).filter((p) => p.PublishMode === 'host');
    const { body, extra } = containerConfig(task, ctx.nodeId, ctx.networks, hostPorts, overlay satisfies OverlayContext);
    addSecretMounts(body, secretFiles);
    let containerId: string;
    // Where it failed, as the task's message: 1.29 says "Cannot create container" of a container the engine
    // refused, "Cannot start service" of one it made (networks are connected as part of the start, as 1.29's).
    let made: string | undefined;
    try {
      containerId = await this.sem.run(async () => {
        this.report({ taskId: id, state: 'ready', message: 'prepared' });
        made = task.Spec.ContainerSpec.ContainerName ? await this.docker.createNamed(body, task.ServiceID) : await this.docker.create(body);
        for (const x of extra) await this.docker.connect(made, x.network, x.aliases, x.ipv4);
        await this.docker.start(made);
        return made;
      });
    } catch (e) {
      // The image went between the check and the create (an `image rm`): the next task asks the engine again.
      if ((e as { statusCode?: number }).statusCode === 404) this.images.forget(task.Spec.ContainerSpec.Image);
      // A container made and not started stays (`Created`, exit code 128 after a failed start): `compose ps` lists it,
      // as 1.29's. Its ID only: an exit code would say it ran, and a task that never ran is what fails `up`.
      this.report({ taskId: id, state: 'rejected', message: made ? 'starting' : 'creating', err: errMessage(e), ...(made ? { containerId: made } : {}) });
      return undefined;
    }
    const info = await this.docker.inspect(containerId).catch(() => undefined);
    const nets = info?.NetworkSettings?.Networks ?? {};
    const addresses: Record<string, string> = {};
    let ip: string | undefined;
    for (const a of task.Spec.Networks ?? []) {
      const net = ctx.networks.get(a.Target);
      const ep = net ? nets[net.Spec.Name] : undefined;
      if (ep?.IPAddress) {
        addresses[a.Target] = `${ep.IPAddress}/${ep.IPPrefixLen}`;
        ip ??= ep.IPAddress;
      }
    }
    // Without a task network, the engine's own (the default bridge) is where the ingress reaches it;
    // learnt here, the worker's next look need not inspect the container again.
    ip ??= Object.values(nets).find((n) => n.IPAddress)?.IPAddress;
    if (info && !info.State.Running) {
      // Exited already (a short-lived command): the next reconcile reports how it ended.
      return { containerId, ip };
    }
    const command = info ? [info.Path, ...(info.Args ?? [])].join(' ') : undefined;
    // With a healthcheck (the spec's or the image's) the task is `starting` until its first healthy
    // probe; the worker's reconcile reports `running` (or kills it) as the engine's verdict comes.
    const gated = info?.State.Health !== undefined && info.State.Health.Status !== 'healthy';
    const state = gated ? 'starting' : 'running';
    const health = info?.State.Health ? (info.State.Health.Status as 'starting' | 'healthy' | 'unhealthy') : undefined;
    // The port of each host range the engine picked for this container (the task's PortStatus), and the
    // addresses it bound them on (a mesh publisher's running report says the ingress's instead).
    const bound = inspectBindings(info?.NetworkSettings?.Ports);
    const ports = rangePortsGot(hostPorts, bound);
    const published = rangeAddresses(hostPorts, bound);
    this.report({
      taskId: id,
      state,
      message: gated ? 'starting' : 'started',
      containerId,
      pid: info?.State.Pid,
      addresses,
      command,
      ...(health ? { health } : {}),
      ...(ports.length ? { ports } : {}),
      ...(published.length ? { published } : {}),
    });
    return { containerId, ip, healthGated: gated };
  }

  /** An unhealthy container is stopped as any other (grace period, then SIGKILL); how it exits ends its task. */
  async stopUnhealthy(task: Task, containerId: string) {
    const grace = task.Spec.ContainerSpec.StopGracePeriod;
    const code = await this.sem.run(async () => {
      await this.docker.stop(containerId, grace !== undefined ? Math.ceil(grace / 1e9) : undefined);
      const info = await this.docker.inspect(containerId).catch(() => undefined);
      return info?.State.ExitCode ?? 137;
    });
    this.report(unhealthyReport(task.ID, containerId, code));
  }

  async start(task: Task, containerId: string) {
    await this.sem.run(() => this.docker.start(containerId));
    // `running` (or not, while a healthcheck gates it) is the next reconcile's to report.
    this.report({ taskId: task.ID, state: 'starting', message: 'starting', containerId });
  }

  /**
   * One stop round for a node: every stop issued at once (bounded by the engine's parallelism, each
   * with its task's grace period), then the removals, so the engine's stop work is not interleaved
   * with deletes; stops go before any queued call (urgent), including other rounds' removals.
   * `stopped` runs as each container has stopped; the round's results come in order.
   */
  async stopRound(items: readonly StopItem[], stopped: (item: StopItem) => void): Promise<PromiseSettledResult<void>[]> {
    this.stopping += items.length;
    const stops = await Promise.allSettled(
      items.map(async (item) => {
        const grace = item.task.Spec.ContainerSpec.StopGracePeriod;
        try {
          await this.sem.run(() => this.docker.stop(item.containerId, grace !== undefined ? Math.ceil(grace / 1e9) : undefined), { urgent: true });
        } finally {
          if (--this.stopping === 0) for (const r of this.stopsDone.splice(0)) r();
        }
        stopped(item);
      }),
    );
    await this.noStops();
    return Promise.all(
      items.map(async (item, i): Promise<PromiseSettledResult<void>> => {
        if (stops[i].status === 'rejected' || !item.remove) return stops[i];
        try {
          await this.sem.run(() => this.docker.remove(item.containerId));
          if (this.secretsDir) await removeSecretFiles(this.secretsDir, item.task.ID);
          return { status: 'fulfilled', value: undefined };
        } catch (e) {
          return { status: 'rejected', reason: e };
        }
      }),
    );
  }

  async remove(containerId: string) {
    await this.noStops();
    await this.sem.run(() => this.docker.remove(containerId));
  }

  /** Removals wait for the node's stops (of any round): the engine does the stopping first. */
  private noStops(): Promise<void> {
    return this.stopping === 0 ? Promise.resolve() : new Promise((r) => this.stopsDone.push(r));
  }

  /**
   * Writes the task's secret and config files; undefined (and the task rejected) when the set lacks
   * one it references.
   */
  private async prepareSecrets(task: Task, ctx: RunContext): Promise<SecretFile[] | undefined> {
    const cs = task.Spec.ContainerSpec;
    if (!cs.Secrets?.length && !cs.Configs?.length) return [];
    const dir = ctx.secretsDir ?? '';
    this.secretsDir = dir;
    const plan = planSecretFiles(task, ctx.secrets ?? new Map(), ctx.configs ?? new Map(), dir);
    if (plan.missing.length) {
      this.report({ taskId: task.ID, state: 'rejected', message: 'preparing', err: `secret or config not available on this node: ${plan.missing.join(', ')}` });
      return undefined;
    }
    await onTmpfs(dir, () => writeSecretFiles(dir, task.ID, plan.files));
    return plan.files;
  }

  /** A one-off container's networks and volumes (compose `run`), made as a task's would be. */
  async prepareResources(networks: Network[], volumes: Volume[], clusterId: string): Promise<void> {
    for (const n of networks) {
      this.preparedAt.set(n.Spec.Name, performance.now());
      await this.ensureNetwork(n, clusterId);
    }
    for (const v of volumes) await this.ensureVolume(v, clusterId);
  }

  /**
   * Whether a network was just made for a one-off whose container may not exist yet: the garbage
   * collector leaves it alone meanwhile (once the container is there, it is in use).
   */
  heldForOneOff(name: string): boolean {
    const at = this.preparedAt.get(name);
    if (at === undefined) return false;
    if (performance.now() - at < ONEOFF_HOLD_MS) return true;
    this.preparedAt.delete(name);
    return false;
  }

  /**
   * Creates the task network once, even when fifty tasks ask at the same moment;
   * true when it carries the network's allocation (the overlay's addresses).
   */
  private ensureNetwork(net: Network, clusterId: string): Promise<boolean> {
    let p = this.netLock.get(net.ID);
    if (!p) {
      p = this.createNetwork(net, clusterId).finally(() => this.netLock.delete(net.ID));
      this.netLock.set(net.ID, p);
    }
    return p;
  }

  private async createNetwork(net: Network, clusterId: string): Promise<boolean> {
    const existing = await this.docker.findNetwork(net.Spec.Name);
    if (existing) {
      if (existing.Labels?.[LABEL.cluster] !== clusterId) {
        throw new Error(`network ${net.Spec.Name} exists on this engine and was not created by this flotilla cluster`);
      }
      // One made before the allocation keeps Docker's addresses until it is empty and made again.
      return carriesAllocation(existing, net);
    }
    // One engine per node: a flotilla network is a local bridge here; the overlay agent links hosts.
    const allocated = allocationOf(net) !== undefined;
    try {
      await this.docker.createNetwork(bridgeNetworkCreate(net, clusterId, allocated));
    } catch (e) {
      if (!allocated || !isPoolOverlap(e)) throw e;
      // Another network on this engine has the subnet (another cluster sharing it): a bridge of Docker's choosing.
      this.log.warn({ msg: 'allocated subnet taken on this engine; the network stays local to this host', name: net.Spec.Name, err: errMessage(e) });
      await this.docker.createNetwork(bridgeNetworkCreate(net, clusterId, false));
      return false;
    }
    this.log.log({ msg: 'network created', name: net.Spec.Name });
    return allocated;
  }

  private async ensureVolume(vol: Volume, clusterId: string) {
    const have = await this.docker.listManagedVolumes(clusterId);
    if (have.some((v) => v.Name === vol.Spec.Name)) return;
    await this.docker.createVolume({
      Name: vol.Spec.Name,
      Driver: vol.Spec.Driver,
      DriverOpts: vol.Spec.DriverOpts,
      Labels: { ...vol.Spec.Labels, [LABEL.managed]: 'true', [LABEL.cluster]: clusterId, 'io.flotilla.volume.id': vol.ID },
    });
  }
}

function errMessage(e: unknown): string {
  const m = (e as { json?: { message?: string }; message?: string })?.json?.message ?? (e as Error)?.message ?? String(e);
  return String(m).replace(/^\(HTTP code \d+\) [a-z ]+ - /, '').trim();
}

/** The build of its image a compose task was deployed with (com.docker.compose.image), when it names one. */
function wantedBuild(task: Task): string | undefined {
  const id = task.Spec.ContainerSpec.Labels?.[LABEL.composeImage];
  return isImageId(id) ? id : undefined;
}
