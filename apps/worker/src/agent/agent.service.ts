import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Worker as BullWorker, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { cpus, totalmem } from 'node:os';
import {
  FlotillaError,
  QUEUE_PREFIX,
  isTerminal,
  isAssignmentsChangedJob,
  doorbellPayload,
  signedByCluster,
  nodeQueueName,
  type AssignmentSet,
  type HeartbeatResponse,
  type Network,
  type Task,
  type TaskReport,
  type Volume,
} from '@flotilla/contracts';
import { WORKER_CONFIG } from '../tokens';
import { MESH_PORT, parseJoinToken } from '@flotilla/contracts';
import { redisSeenFrom } from './redis-url';
import { connectRedis } from './redis-connect';
import type { WorkerConfig } from '../config';
import { ManagerClient } from './manager-client';
import type { LocalManager } from './local-manager';
import { NodeTls, obtainCredentials } from './manager-tls';
import { readCredentials, writeCredentials } from './node-credentials';
import { HeartbeatLoop } from './heartbeat-loop';
import { resyncGap } from './resync-gap';
import { Reporter } from './reporter';
import { readNodeId, writeMembership, writeNodeId } from './identity';
import { startManagerFor } from './promotion';
import { sweepSecretFiles } from '../docker/secret-files';
import { releaseTmpfsIfEmpty, secretsRoot } from '../docker/secrets-tmpfs';
import { DockerAdapter } from '../docker/docker.adapter';
import { planContainers, type ObservedContainer, type RestartsInPlace } from '../docker/plan-containers';
import { answered, inPlaceRestart, restartPhase, type InPlaceRestart, type RestartPhase } from '../docker/in-place-restart';
import { TaskRunner, type RunContext, type StopItem } from '../docker/task-runner';
import { ImageShipper } from '../docker/image-shipper';
import { IngressProxy, type Route } from '../network/ingress-proxy';
import { publishingTasks, withPublished } from '../network/published-tasks';
import { OverlayAgent } from '../network/overlay/overlay-agent';
import { awaitsAddress, isMeshPort } from '@flotilla/networking';
import { LogServer } from '../logs/log-server';
import { mergeAssignments } from './merge-assignments';
import { assignmentShape } from './assignment-shape';
import { LOCAL_SETTLE_MS, lookFor } from './event-settle';
import { quietDelta } from './quiet-delta';
import { fetchRetryDelay } from './fetch-retry';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { RelayServer } from '../relay/relay-server';
import type { TargetTask } from '../relay/relay-policy';
import { EngineEndpoint } from '../docker/engine-endpoint';
import { CertRenewal } from './cert-renewal';
import { TlsReport, withTrustRoot } from './tls-report';
import { splitPems } from '@flotilla/pki';
import type { NodeCredentials } from './node-credentials';

/** A fetched set, and the delta it was made from when the manager sent one. */
interface FetchedSet {
  set: AssignmentSet;
  delta?: AssignmentSet;
}

/**
 * The worker's loop: register, then keep Docker equal to the node's full
 * assignment set. Triggers (doorbell jobs, Docker events, a periodic resync)
 * only say "look again"; what to do is always computed from the whole set.
 */
@Injectable()
export class AgentService implements OnApplicationShutdown {
  private readonly log = new Logger(AgentService.name);
  readonly docker: DockerAdapter;
  private readonly client: ManagerClient;
  private reporter!: Reporter;
  private runner!: TaskRunner;
  private readonly ingress = new IngressProxy();
  private readonly overlay = new OverlayAgent();
  private fetchTimer?: NodeJS.Timeout;
  /** A failed fetch's retry (see fetchRetryDelay), and how many failed in a row. */
  private retryTimer?: NodeJS.Timeout;
  private fetchFailures = 0;
  private nodeId = '';
  private clusterId = '';
  private set: AssignmentSet | undefined;
  /** Tasks of the set whose service publishes ports here: their running reports say on which addresses. */
  private publishing = new Set<string>();
  private readonly inflight = new Set<string>();
  /** Tasks the runner ended itself (an unhealthy stop, say): it knows why, a later look at the exited container does not. */
  private readonly ended = new Set<string>();
  private readonly containers = new Map<string, { id: string; ip?: string }>();
  /** Task containers started or restarted in place through the relay (compose `restart`), by task: see in-place-restart. */
  private readonly restarts = new Map<string, InPlaceRestart>();
  /** Tasks whose container's healthcheck has not passed (or failed): the ingress sends them nothing, as Docker's load balancer. */
  private notServing = new Set<string>();
  private syncing = false;
  private localTimer?: NodeJS.Timeout;
  /** Something was removed since the last clean-up of networks and volumes. */
  private garbage = false;
  /** The set's networks, volumes, mesh and promotion at the last clean-up (see assignmentShape), and when it ran. */
  private shape = '';
  private cleanedAt = 0;
  private again: 'fetch' | 'local' | undefined;
  /** A look was asked for (an engine event, a settle timer, a resync) and a fetch took its turn: that fetch looks. */
  private lookOwed = false;
  private timers: NodeJS.Timeout[] = [];
  private resyncTimer?: NodeJS.Timeout;
  private heartbeats?: HeartbeatLoop;
  private bull?: BullWorker;
  private redis?: Redis;
  private sub?: Redis;
  private logs?: LogServer;
  /** This node's credential (from registration): what the manager signs Redis messages for it with. */
  private nodeSecret?: string;
  private relay?: RelayServer;
  private events?: NodeJS.ReadableStream & { destroy?: () => void };
  private closed = false;
  private renewal?: CertRenewal;
  private readonly tlsReport = new TlsReport();

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Optional() @Inject(WorkerMetrics) private readonly metrics?: WorkerMetrics,
  ) {
    const docker = new DockerAdapter(config.dockerHost);
    this.docker = metrics ? metrics.instrument(docker) : docker;
    this.client = new ManagerClient(config.managerUrl, new NodeTls(readCredentials(config.credentialsDir ?? config.dataDir)));
  }

  get id(): string {
    return this.nodeId;
  }

  /** Boot: fails with one clear error if Docker, the manager or Redis cannot be reached. */
  async start(): Promise<void> {
    const engine = await this.docker.ping();
    const knownId = readNodeId(this.config.dataDir);
    const nodeId = this.client.tls.credentials ? knownId : await this.enrol(knownId);
    await this.checkCluster();
    const reg = await this.client.register({
      nodeId,
      token: this.config.token,
      role: this.config.role,
      addr: this.config.addr,
      description: {
        Hostname: this.config.hostname,
        Platform: { Architecture: engine.arch === 'x86_64' ? 'x86_64' : engine.arch, OS: engine.os },
        Resources: { NanoCPUs: (engine.ncpu || cpus().length) * 1e9, MemoryBytes: engine.memory || totalmem() },
        Engine: { EngineVersion: engine.version, Labels: engine.labels },
      },
    });
    this.nodeId = reg.nodeId;
    this.client.useSecret(reg.nodeSecret);
    this.nodeSecret = reg.nodeSecret;
    this.clusterId = reg.clusterId;
    writeNodeId(this.config.dataDir, reg.nodeId);
    writeMembership(this.config.dataDir, { clusterId: reg.clusterId, dockerHost: this.config.dockerHost });
    // Whether published ports answer on IPv6 here too, known before any task reports where they answer.
    await this.ingress.probe();
    this.reporter = new Reporter(this.client, () => this.nodeId, undefined, (r) => withPublished(r, this.publishing, this.ingress.addresses()));
    const report = (r: TaskReport) => {
      if (isTerminal(r.state)) this.ended.add(r.taskId);
      this.reporter.push(r);
    };
    this.runner = new TaskRunner(
      this.docker,
      this.metrics ? this.metrics.timeStarts(report) : report,
      this.config.dockerParallelism,
      new ImageShipper(this.docker, (image, want) => this.client.fetchImage(this.nodeId, image, want)),
    );

    const redisUrl = this.config.redisUrl ?? redisSeenFrom(reg.redisUrl, this.config.managerUrl);
    // A first join fails at once on a wrong URL; a node coming back as itself
    // (restart, demotion) rides out a Redis restart instead of dying in it.
    // Beating from here on: a node waiting for Redis is alive, and its running tasks must not be moved away.
    this.heartbeats?.stop();
    this.heartbeats = new HeartbeatLoop(() => this.beat(), reg.heartbeatPeriodMs);
    // A fetch or a report the manager answered stands in for the beat due next (see HeartbeatLoop).
    this.client.onNodeCallAnswered = () => this.heartbeats?.heard();
    this.heartbeats.start();
    this.redis = await connectRedis(redisUrl, {
      forWorker: true,
      waitMs: knownId === reg.nodeId ? this.config.redisWaitMs : 0,
      onRetry: (err, leftMs) => {
        if (this.closed) throw new Error('shutting down');
        this.log.warn({ msg: 'Redis unreachable; retrying', err, giveUpInMs: leftMs });
      },
    }).catch((e: Error) => {
      for (const t of this.timers.splice(0)) clearInterval(t);
      this.heartbeats?.stop();
      throw e;
    });
    // Back from a Redis outage: doorbells may have been lost, so look at the full set now.
    this.redis.on('ready', () => {
      this.lookOwed = true;
      this.requestSync('fetch');
    });
    this.bull = new BullWorker(
      nodeQueueName(this.nodeId),
      async (job) => {
        if (!isAssignmentsChangedJob(job.data) || job.data.nodeId !== this.nodeId) {
          throw new UnrecoverableError('malformed doorbell job');
        }
        // Whoever else can write to Redis cannot ring: only the cluster knows this node's credential.
        if (!this.nodeSecret || !signedByCluster(this.nodeSecret, 'doorbell', doorbellPayload(job.data.nodeId, job.data.index), job.data.sig)) {
          this.log.warn({ msg: 'doorbell not signed by the cluster; dropped', jobId: job.id });
          throw new UnrecoverableError('doorbell not signed by the cluster');
        }
        if (this.set && job.data.index <= this.set.index) return;
        this.requestSync('fetch');
      },
      { connection: this.redis, prefix: QUEUE_PREFIX, concurrency: 1 },
    );
    this.bull.on('error', (e) => this.log.warn({ msg: 'queue error', err: e.message }));

    // No ready check on a subscriber: its INFO fails once a SUBSCRIBE went out while connecting.
    this.sub = this.redis.duplicate({ maxRetriesPerRequest: null, enableReadyCheck: false });
    this.sub.on('error', () => undefined);
    this.logs = new LogServer(this.redis, this.sub, this.docker, (t) => this.containers.get(t)?.id, () => this.nodeSecret);
    await this.logs.start(this.nodeId);
    this.relay = new RelayServer(this.sub, new EngineEndpoint(this.config.dockerHost), {
      knows: (m) => this.client.knows(m),
      credential: () => this.client.credential,
      tls: () => this.client.tls.connectOptions(),
      isTaskContainer: (id) => [...this.containers.values()].some((c) => c.id === id),
      taskOfContainer: (id) => this.taskOfContainer(id),
      restartingInPlace: (taskId, containerId, url) => this.restartingInPlace(taskId, containerId, url),
      prepareOneOff: (r) => this.runner.prepareResources(r.networks, r.volumes, this.clusterId),
    });
    await this.relay.start(this.nodeId);

    await this.watchEvents();
    this.startRenewal();
    this.scheduleResync();
    this.log.log({ msg: 'worker ready', nodeId: this.nodeId, docker: this.docker.label, manager: this.config.managerUrl });
    this.requestSync('fetch');
  }

  /** The periodic resync, at the gap the cluster's size allows (see resyncGap). */
  private scheduleResync(): void {
    if (this.closed) return;
    this.resyncTimer = setTimeout(() => {
      // The resync is the safety net: it looks at the engine whatever the delta says.
      this.lookOwed = true;
      this.requestSync('fetch');
      this.scheduleResync();
    }, resyncGap(this.config.resyncMs, this.heartbeats?.period));
  }

  /**
   * A standalone node renews its own certificate over its mutual TLS. A manager's own worker shares
   * the manager's certificate (credentialsDir): the manager renews it and hands it over (useCredentials).
   */
  private startRenewal() {
    if (this.config.credentialsDir || !this.client.tls.credentials) return;
    this.renewal?.stop();
    this.renewal = new CertRenewal({
      current: () => this.client.tls.credentials,
      sign: (publicKeyPem) => this.client.renewCertificate(this.nodeId, { publicKeyPem, ips: [this.config.addr], hostname: this.config.hostname }),
      apply: (creds) => {
        writeCredentials(this.config.dataDir, creds);
        this.client.tls.use(creds);
      },
      log: { log: (o) => this.log.log(o), warn: (o) => this.log.warn(o) },
    });
    this.renewal.start();
  }

  /** A heartbeat that reports this node's TLS state and follows a root rotation's hints. */
  private async beat(): Promise<HeartbeatResponse | undefined> {
    const r = await this.client.heartbeat(this.nodeId, this.tlsReport.body(this.client.tls.credentials));
    this.tlsReport.answered(r);
    // A manager's own worker shares the manager's credentials: the manager follows the rotation for both.
    if (this.config.credentialsDir || !r) return r;
    const trusted = withTrustRoot(this.client.tls.credentials, r);
    if (trusted) {
      writeCredentials(this.config.dataDir, trusted);
      this.client.tls.use(trusted);
      this.log.log({ msg: 'trusted roots changed (root CA rotation)', roots: splitPems(trusted.ca).length });
    }
    if (r.renewCertificate) this.renewal?.renewNow();
    return r;
  }

  /** New credentials of this node, renewed by its manager: later calls use them. */
  useCredentials(creds: NodeCredentials) {
    this.client.tls.use(creds);
  }

  /** A manager's own worker: the manager it runs in answers its fetches, reports and beats while it leads. */
  useLocalManager(local: LocalManager) {
    this.client.useLocal(local);
  }

  async onApplicationShutdown() {
    this.closed = true;
    this.renewal?.stop();
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.resyncTimer);
    this.heartbeats?.stop();
    this.events?.destroy?.();
    clearTimeout(this.fetchTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.localTimer);
    this.ingress.close();
    this.overlay.close();
    this.logs?.stop();
    this.relay?.stop();
    await this.reporter?.flush().catch(() => undefined);
    this.reporter?.stop();
    // BullMQ's close can hang while Redis is down (#4656): bound it.
    await Promise.race([this.bull?.close(), new Promise((r) => setTimeout(r, 3000))]);
    this.sub?.disconnect();
    this.redis?.disconnect();
  }

  /**
   * A node without a certificate gets one first: over TLS pinned to the CA its token names, it
   * sends its token and public key and keeps what it is given (mode 0600) for every later call.
   */
  private async enrol(knownId: string | undefined): Promise<string> {
    const u = new URL(this.config.managerUrl);
    const { nodeId, creds } = await obtainCredentials(`${u.hostname}:${u.port || 2377}`, {
      token: this.config.token,
      nodeId: knownId,
      role: this.config.role,
      ips: [this.config.addr],
      hostname: this.config.hostname,
    });
    writeCredentials(this.config.credentialsDir ?? this.config.dataDir, creds);
    writeNodeId(this.config.dataDir, nodeId);
    this.client.tls.use(creds);
    return nodeId;
  }

  /** The token names its cluster: refuse to join a manager of another one (a typo'd address, a stale token). */
  private async checkCluster() {
    const parsed = parseJoinToken(this.config.token);
    if (!parsed) throw new FlotillaError('invalid_argument', 'invalid join token');
    const { fingerprint } = await this.client.fingerprint();
    if (fingerprint !== parsed.fingerprint) {
      throw new FlotillaError('unauthorized', `the manager at ${this.config.managerUrl} belongs to another cluster than this join token`);
    }
  }

  private promoting = false;

  /** This node was promoted: start its manager, then step aside (the manager's worker adopts the containers). */
  private async promote(token: string) {
    if (this.promoting) return;
    this.promoting = true;
    try {
      const via = new URL(this.client.baseUrl).host;
      await startManagerFor({ dataDir: this.config.dataDir, nodeId: this.nodeId, via, token, addr: this.config.addr, redisUrl: this.config.redisUrl });
      this.log.log({ msg: 'promoted: the manager of this node runs; this worker process exits' });
      process.kill(process.pid, 'SIGTERM');
    } catch (e) {
      this.log.error({ msg: 'promotion failed', err: (e as Error).message });
      this.promoting = false;
    }
  }

  /** Coalesces triggers: at most one sync runs, and at most one more is queued. */
  requestSync(kind: 'fetch' | 'local', settleMs = LOCAL_SETTLE_MS): void {
    if (this.closed) return;
    if (kind === 'local' && !this.syncing && settleMs > 0) {
      // An engine event or a finished action rarely comes alone (fifty containers start or die together):
      // one look a moment later sees them all, instead of one engine list per event competing with the work.
      this.localTimer ??= setTimeout(() => {
        this.localTimer = undefined;
        this.runSync('local');
      }, settleMs);
      return;
    }
    this.runSync(kind);
  }

  private runSync(kind: 'fetch' | 'local'): void {
    if (this.closed) return;
    // A look now covers the one a settle timer waits for.
    if (this.localTimer) this.lookOwed = true;
    clearTimeout(this.localTimer);
    this.localTimer = undefined;
    if (this.syncing) {
      if (kind === 'local') this.lookOwed = true;
      if (this.again !== 'fetch') this.again = kind;
      return;
    }
    this.syncing = true;
    void this.sync(kind).finally(() => {
      this.syncing = false;
      const next = this.again;
      this.again = undefined;
      if (next) this.requestSync(next);
    });
  }

  private async sync(kind: 'fetch' | 'local') {
    const owed = this.lookOwed || kind === 'local';
    this.lookOwed = false;
    try {
      let quiet = false;
      if (kind === 'fetch' || !this.set) {
        const held = this.set;
        const got = await this.fetchFailingSoftly();
        // Only tasks with an action in flight moved (their own reports, mostly): that action's end looks.
        quiet = !owed && got.delta !== undefined && quietDelta(held, got.delta, this.inflight);
        this.set = got.set;
      }
      const set = this.set;
      this.publishing = publishingTasks(set);
      this.overlay.update(set);
      if (set.promotion && this.config.role === 'worker') void this.promote(set.promotion.token);
      const assigned = new Set(set.tasks.map((t) => t.ID));
      for (const id of this.ended) if (!assigned.has(id)) this.ended.delete(id);
      if (quiet) return;
      const observed = await this.docker.listTaskContainers(this.nodeId);
      this.notServing = new Set(observed.filter((c) => c.health === 'starting' || c.health === 'unhealthy').map((c) => c.taskId));
      await this.learnAddresses(observed);
      const ctx = this.context(set);
      /** This pass's stops, issued as one round (see stopRound). */
      const stops: StopItem[] = [];
      for (const a of planContainers(set.tasks, observed, this.restartPhases(), ctx.ports)) {
        if (a.kind === 'report') {
          // A task in flight is the runner's to report; a sync racing it would report less. One the runner
          // ended runs again only through a restart in place of its container.
          if (a.report.restarted) this.ended.delete(a.report.taskId);
          if (!this.inflight.has(a.report.taskId) && !this.ended.has(a.report.taskId)) this.reporter.push(a.report);
          continue;
        }
        const key = a.kind === 'remove' ? a.containerId : a.task.ID;
        if (this.inflight.has(key)) continue;
        if (a.kind === 'create' && awaitsAddress(a.task, ctx.networks)) {
          // Its overlay address is being allocated: look again shortly rather than start it without.
          this.fetchSoon();
          continue;
        }
        this.inflight.add(key);
        if (a.kind === 'stop') {
          stops.push(a);
          continue;
        }
        const work = async () => {
          switch (a.kind) {
            case 'create': {
              const r = await this.runner.create(a.task, ctx);
              // Its networks may be new on this engine: the overlay links their bridges on the next look.
              if (a.task.Spec.Networks?.length) this.garbage = true;
              if (r) this.containers.set(a.task.ID, { id: r.containerId, ip: r.ip });
              if (r?.healthGated) this.notServing.add(a.task.ID);
              break;
            }
            case 'start':
              await this.runner.start(a.task, a.containerId);
              break;
            case 'stop-unhealthy':
              await this.runner.stopUnhealthy(a.task, a.containerId);
              this.dropBackend(a.task.ID);
              break;
            case 'remove':
              await this.runner.remove(a.containerId);
              this.containers.delete(a.taskId);
              this.garbage = true;
              break;
          }
        };
        void work()
          .catch((e) => this.log.warn({ msg: 'task action failed', action: a.kind, key, err: (e as Error).message }))
          .finally(() => {
            this.inflight.delete(key);
            // A removal set `garbage`: the look asked for below collects once for a burst of removals.
            this.updateIngress();
            this.requestSync('local');
          });
      }
      if (stops.length) void this.stopRound(stops);
      this.updateIngress();
      // Networks and volumes change with the set's own, after a removal, or behind the worker's back:
      // cleaned up then and on the periodic resync, not on every look of a busy node (each report it
      // sends rings its doorbell again, and each clean-up lists the engine's networks and volumes).
      const shape = assignmentShape(set);
      if (this.garbage || shape !== this.shape || Date.now() - this.cleanedAt >= this.config.resyncMs) {
        this.garbage = false;
        this.shape = shape;
        this.cleanedAt = Date.now();
        await this.collectGarbage();
        await this.syncOverlay(set);
      }
    } catch (e) {
      // Not looked (the fetch or the list failed): the retry owes the look this one owed.
      if (owed) this.lookOwed = true;
      this.log.warn({ msg: 'sync failed', err: (e as Error).message });
    }
  }

  /**
   * The node's stops as one round: all issued together, removals after, networks and volumes collected
   * once, and the tasks reported in one batch ("no tasks left" means "nothing left": removed tasks are
   * reported after the clean-up). A stop that fails stays in the set; the next pass tries it again.
   */
  private async stopRound(stops: StopItem[]) {
    try {
      const results = await this.runner.stopRound(stops, (item) => {
        // Kept for its logs: no clean-up to wait for, so its task is told at once.
        if (item.remove) return;
        this.dropBackend(item.task.ID);
        this.reporter.push({ taskId: item.task.ID, state: 'shutdown', message: 'shutdown', containerId: item.containerId });
      });
      const removed = stops.filter((item, i) => item.remove && results[i].status === 'fulfilled');
      for (const item of removed) this.containers.delete(item.task.ID);
      if (removed.length) await this.collectGarbage();
      for (const item of removed) this.reporter.push({ taskId: item.task.ID, state: 'shutdown', message: 'shutdown', containerId: item.containerId });
      results.forEach((r, i) => {
        if (r.status === 'rejected') this.log.warn({ msg: 'task action failed', action: 'stop', key: stops[i].task.ID, err: (r.reason as Error)?.message });
      });
    } catch (e) {
      this.log.warn({ msg: 'stop round failed', count: stops.length, err: (e as Error).message });
    } finally {
      for (const item of stops) this.inflight.delete(item.task.ID);
      this.updateIngress();
      this.requestSync('local');
    }
  }

  /** The restarts in place that still matter to this look; the others are forgotten. */
  private restartPhases(): RestartsInPlace {
    const now = Date.now();
    const out = new Map<string, { containerId: string; phase: RestartPhase }>();
    for (const [taskId, r] of this.restarts) {
      const phase = restartPhase(r, now);
      if (phase) out.set(taskId, { containerId: r.containerId, phase });
      else this.restarts.delete(taskId);
    }
    return out;
  }

  /** The task a container of this node runs, as the set has it (the relay asks, for a start or restart in place). */
  private taskOfContainer(id: string): TargetTask | undefined {
    for (const [taskId, c] of this.containers) {
      if (c.id !== id) continue;
      const t = this.set?.tasks.find((x) => x.ID === taskId);
      return t && { id: t.ID, desired: t.DesiredState };
    }
    return undefined;
  }

  /**
   * The relay passes a start or restart of a task's container to the engine: until it answers, the
   * container stopping is not the task's end; once it answers, the next look tells whether it runs again.
   */
  private restartingInPlace(taskId: string, containerId: string, url: string) {
    const asked = inPlaceRestart(containerId, url, Date.now());
    this.restarts.set(taskId, asked);
    return {
      answered: (status: number | undefined) => {
        // A later restart of the same task took its place: its own answer will tell.
        if (this.restarts.get(taskId) !== asked) return;
        this.restarts.set(taskId, answered(asked, status, Date.now()));
        this.requestSync('local', 0);
      },
    };
  }

  /** Tunnels and DNS of the overlay networks; devices of this cluster's engine networks are ours to remove. */
  private async syncOverlay(set: AssignmentSet) {
    const owned = new Set<string>();
    for (const n of await this.docker.listManagedNetworks(this.clusterId)) {
      const id = n.Labels?.['io.flotilla.network.id'];
      if (id) owned.add(id);
    }
    for (const n of set.networks) owned.add(n.ID);
    await this.overlay.sync(set, owned);
  }

  /** fetchSet, tried again after a backoff when it fails (see fetchRetryDelay). */
  private async fetchFailingSoftly(): Promise<FetchedSet> {
    try {
      const set = await this.fetchSet();
      this.fetchFailures = 0;
      // Fetched after all (a doorbell came first): the retry would only fetch the same again.
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      return set;
    } catch (e) {
      this.fetchFailures++;
      if (!this.closed && !this.retryTimer) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.requestSync('fetch');
        }, fetchRetryDelay(this.fetchFailures, Math.random()));
      }
      throw e;
    }
  }

  /** The full set, from a delta on the one held when the manager can send one (the delta with it). */
  private async fetchSet(): Promise<FetchedSet> {
    const got = await this.client.assignments(this.nodeId, this.set?.index);
    const merged = mergeAssignments(this.set, got);
    return merged ? { set: merged, ...(got.since !== undefined ? { delta: got } : {}) } : { set: await this.client.assignments(this.nodeId) };
  }

  private fetchSoon() {
    if (this.fetchTimer) return;
    this.fetchTimer = setTimeout(() => {
      this.fetchTimer = undefined;
      this.requestSync('fetch');
    }, 500);
  }

  private context(set: AssignmentSet): RunContext {
    return {
      nodeId: this.nodeId,
      clusterId: this.clusterId,
      networks: new Map<string, Network>(set.networks.map((n) => [n.ID, n])),
      volumes: new Map<string, Volume>(set.volumes.map((v) => [v.ID, v])),
      ports: (sid) => set.endpoints.find((e) => e.serviceId === sid)?.ports ?? [],
      secretsDir: secretsRoot(this.nodeId),
      secrets: new Map((set.secrets ?? []).map((x) => [x.ID, x])),
      configs: new Map((set.configs ?? []).map((x) => [x.ID, x])),
      serveDns: (net) => this.overlay.serveDns(net),
    };
  }

  /** After a restart the worker rebuilds its view from container labels and inspect. */
  private async learnAddresses(observed: ObservedContainer[]) {
    for (const c of observed) {
      // A task being started is the runner's: it inspects its container itself once started.
      if (this.inflight.has(c.taskId)) continue;
      const known = this.containers.get(c.taskId);
      if (known?.id === c.id && (known.ip || c.state !== 'running')) continue;
      if (c.state !== 'running') {
        this.containers.set(c.taskId, { id: c.id });
        continue;
      }
      const info = await this.docker.inspect(c.id).catch(() => undefined);
      const ip = Object.values(info?.NetworkSettings?.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
      this.containers.set(c.taskId, { id: c.id, ip });
    }
  }

  private dropBackend(taskId: string) {
    const c = this.containers.get(taskId);
    if (c) this.containers.set(taskId, { id: c.id });
  }

  private updateIngress() {
    const set = this.set;
    if (!set) return;
    const wanted = new Map<number, Route>();
    const route = (port: number, bindHost: string | undefined) => {
      let r = wanted.get(port);
      if (!r) wanted.set(port, (r = { local: [], remote: [], ...(bindHost ? { bindHost } : {}) }));
      return r;
    };
    const running = new Map<string, Task[]>();
    for (const t of set.tasks) {
      if (t.DesiredState !== 'running') continue;
      const list = running.get(t.ServiceID);
      if (list) list.push(t);
      else running.set(t.ServiceID, [t]);
    }
    for (const ep of set.endpoints) {
      for (const p of ep.ports) {
        if (!isMeshPort(p)) continue;
        const r = route(p.PublishedPort, p.HostIP);
        for (const t of running.get(ep.serviceId) ?? []) {
          const ip = this.notServing.has(t.ID) ? undefined : this.containers.get(t.ID)?.ip;
          if (ip) r.local.push({ host: ip, port: p.TargetPort });
        }
      }
    }
    // The routing mesh: every other ingress port too, passed on to the nodes that run its tasks.
    for (const m of set.mesh ?? []) {
      const preamble = Buffer.alloc(2);
      preamble.writeUInt16BE(m.publishedPort);
      route(m.publishedPort, m.hostIp).remote.push(...m.remotes.map((host) => ({ host, port: MESH_PORT, preamble })));
    }
    if (set.mesh) this.ingress.listenMesh(MESH_PORT);
    this.ingress.update(wanted);
  }

  /** Removes flotilla networks and volumes this node no longer needs (in use ones wait for the next pass). */
  private async collectGarbage() {
    const set = this.set;
    if (!set) return;
    // Networks still needed: those of tasks that are not being removed.
    const byId = new Map(set.networks.map((n) => [n.ID, n.Spec.Name]));
    const nets = new Set<string>();
    for (const t of set.tasks) {
      if (t.DesiredState === 'remove') continue;
      for (const a of t.Spec.Networks ?? []) nets.add(byId.get(a.Target) ?? a.Target);
    }
    for (const n of await this.docker.listManagedNetworks(this.clusterId)) {
      if (!nets.has(n.Name) && !this.runner.heldForOneOff(n.Name) && !(await this.hasContainers(n.Name))) await this.docker.removeNetwork(n.Id);
    }
    // Secret files of tasks no longer in the set (a removal missed while the worker was down).
    const secrets = secretsRoot(this.nodeId);
    await sweepSecretFiles(secrets, new Set(set.tasks.filter((t) => t.DesiredState !== 'remove').map((t) => t.ID)));
    await releaseTmpfsIfEmpty(secrets);
    const vols = new Set(set.volumes.map((v) => v.Spec.Name));
    for (const v of await this.docker.listManagedVolumes(this.clusterId)) {
      if (!vols.has(v.Name)) await this.docker.removeVolume(v.Name);
    }
  }

  private async hasContainers(network: string): Promise<boolean> {
    const list = await this.docker.docker.listContainers({ all: true, filters: { network: [network] } });
    return list.length > 0;
  }

  private async watchEvents() {
    try {
      const stream = await this.docker.events(this.nodeId);
      this.events = stream as never;
      // Keys of `inflight`: task IDs, and container IDs for removals.
      const inFlight = (task: string | undefined, container: string | undefined) =>
        (task !== undefined && this.inflight.has(task)) || (container !== undefined && this.inflight.has(container));
      stream.on('data', (d: Buffer) => {
        const settle = lookFor(String(d), inFlight);
        if (settle !== undefined) this.requestSync('local', settle);
      });
      stream.on('error', () => undefined);
      stream.on('end', () => {
        if (!this.closed) setTimeout(() => void this.watchEvents(), 1000);
      });
    } catch (e) {
      this.log.warn({ msg: 'docker events unavailable, relying on resync', err: (e as Error).message });
    }
  }
}

