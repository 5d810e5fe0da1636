import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  FlotillaError,
  type AssignmentSet,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type Network,
  type RegisterRequest,
  type RegisterResponse,
  type ServiceEndpoint,
  type StatusRequest,
  type Volume,
} from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { ClusterService } from '../cluster/cluster.service';
import { ManagersService } from '../cluster/managers.service';
import { DispatcherService } from '../control/dispatcher.service';
import { AssignmentLogService } from '../control/assignment-log.service';
import { splitChanges, statusPatch } from '../control/assignment-log';
import { NodeLivenessService } from '../control/node-liveness.service';
import { NodeTlsService } from '../control/node-tls.service';
import { StatusService } from '../control/status.service';
import { MANAGER_CONFIG, STATE_STORE } from '../tokens';
import type { ManagerConfig } from '../config';
import { referencedBy } from './docker/secret-refs';
import { meshFor, meshTable, overlayFor, type MeshEntry } from '@flotilla/networking';
import { parseBody, registerSchema, statusRequestSchema } from './schemas';
import type { LocalManager } from '../../../worker/src/agent/local-manager';

const NODE_ID = /^[a-z0-9]{1,64}$/;

/** The worker-facing side of the manager: join, assignments, status, heartbeats. */
@Controller('flotilla/v1/nodes')
export class AgentController {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
    private readonly cluster: ClusterService,
    private readonly status: StatusService,
    private readonly liveness: NodeLivenessService,
    private readonly dispatcher: DispatcherService,
    private readonly managers: ManagersService,
    private readonly assignmentLog: AssignmentLogService,
    private readonly nodeTls: NodeTlsService,
  ) {}

  /** The routing mesh of the current index: a thousand nodes fetching at one index share one walk. */
  private mesh?: { index: number; table: MeshEntry[] };

  @Post('register')
  @HttpCode(200)
  async register(@Body() body: RegisterRequest): Promise<RegisterResponse> {
    validateRegister(body);
    const node = await this.cluster.register(body);
    const heartbeatPeriodMs = this.liveness.beat(node.ID);
    // A (re)joining worker must converge on its full set even if no doorbell is queued.
    this.dispatcher.ring(node.ID);
    return {
      nodeId: node.ID,
      redisUrl: this.store.view().cluster?.RedisURL ?? this.config.redisUrl,
      managers: this.managers.managerAddresses(),
      heartbeatPeriodMs,
      nodeSecret: this.cluster.secretFor(node.ID),
      clusterId: this.store.view().cluster!.ID,
    };
  }

  /**
   * The node's set (`?since=N`: only the tasks changed after N and the ids removed, when this
   * manager's AssignmentLog covers N; else in full), written out by hand: each task's JSON is made once per
   * version of the task and reused by every later fetch (a node fetches the
   * same hundred tasks many times while a big service comes up), and the body
   * skips Express's serialiser and ETag hash. The bytes are what `res.json()`
   * would send.
   */
  @Get(':id/assignments')
  assignments(@Param('id') id: string, @Headers('authorization') auth: string | undefined, @Query('since') sinceQ: string | undefined, @Res() res: Response): void {
    this.knownNode(id, auth);
    const since = sinceQ !== undefined && /^\d{1,15}$/.test(sinceQ) ? Number(sinceQ) : undefined;
    const body = this.assignmentsBody(id, since);
    res.status(200).setHeader('content-type', 'application/json; charset=utf-8');
    res.end(body);
  }

  /** The node's set as JSON; every change up to its index counts as reached the node. */
  private assignmentsBody(id: string, since: number | undefined): string {
    // Any call from the node is a sign of life: under load its heartbeat may be queued behind this one.
    this.liveness.beat(id);
    const view = this.store.view();
    const tasks = view.tasksOfNode(id);
    // A node that holds its set at `since` gets only what changed, when this manager can tell (else the full set).
    const delta = since !== undefined && this.assignmentLog.log.covers(id, since, view.index);
    const networks = new Map<string, Network>();
    for (const t of tasks) {
      for (const n of t.Spec.Networks ?? []) {
        const net = view.networks.get(n.Target);
        if (net) networks.set(net.ID, net);
      }
    }
    const volumes: Volume[] = [...view.volumes.values()];
    const endpoints: ServiceEndpoint[] = [];
    for (const sid of new Set(tasks.map((t) => t.ServiceID))) {
      const svc = view.services.get(sid);
      const ports = svc?.Spec.EndpointSpec?.Ports ?? [];
      if (svc && ports.length) endpoints.push({ serviceId: sid, serviceName: svc.Spec.Name, ports });
    }
    const rest: Omit<AssignmentSet, 'nodeId' | 'index' | 'tasks'> = { networks: [...networks.values()], volumes, endpoints, managers: this.managers.managerAddresses(), ...referencedBy(tasks, view), overlay: overlayFor(view, id), mesh: meshFor(this.meshTable(view), view.nodes.get(id)?.Status.Addr) };
    // A promoted worker starts its manager with this; the channel is the node's own authenticated one.
    if (view.nodes.get(id)?.Spec.Role === 'manager' && !this.managers.isMember(id)) rest.promotion = { token: view.cluster!.JoinTokens.Manager };
    if (delta) Object.assign(rest, { since, removed: this.assignmentLog.log.removedSince(id, since) });
    const log = this.assignmentLog.log;
    const { whole: sent, statuses } = delta ? splitChanges(tasks, since, (t) => log.bodyChangedAt(t)) : { whole: tasks, statuses: [] };
    const parts = new Array<string>(sent.length);
    // Each made afresh: with deltas a task version is sent about once, and a cache of every task's
    // JSON (WeakMap by object) kept ~50 MB alive on a 100k-task leader for no hit.
    for (let i = 0; i < sent.length; i++) parts[i] = JSON.stringify(sent[i]);
    const patches = statuses.length > 0 ? `"statuses":[${statuses.map((t) => JSON.stringify(statusPatch(t))).join(',')}],` : '';
    const body = `{"nodeId":${JSON.stringify(id)},"index":${view.index},"tasks":[${parts.join(',')}],${patches}${JSON.stringify(rest).slice(1)}`;
    // Every change up to this index has now reached the node: the dispatcher need not ring for them.
    this.dispatcher.served(id, view.index);
    return body;
  }

  private meshTable(view: ReturnType<StateStore['view']>): MeshEntry[] {
    if (this.mesh?.index !== view.index) this.mesh = { index: view.index, table: meshTable(view) };
    return this.mesh.table;
  }

  @Post(':id/status')
  @HttpCode(204)
  async report(@Param('id') id: string, @Body() body: StatusRequest, @Headers('authorization') auth: string | undefined): Promise<void> {
    this.knownNode(id, auth);
    if (!body || !Array.isArray(body.reports) || body.reports.length > 10_000) {
      throw new FlotillaError('invalid_argument', 'status: reports must be a list of at most 10000 entries');
    }
    parseBody(statusRequestSchema, body, 'status');
    await this.reported(id, body.reports);
  }

  private async reported(id: string, reports: StatusRequest['reports']): Promise<void> {
    this.liveness.beat(id);
    if (reports.length) await this.status.report(id, reports);
  }

  /** Answers with the period to beat at: a cluster that grew stretches it (see heartbeatPeriodFor). */
  @Post(':id/heartbeat')
  @HttpCode(200)
  heartbeat(@Param('id') id: string, @Headers('authorization') auth: string | undefined, @Body() body: HeartbeatRequest | undefined): HeartbeatResponse {
    this.knownNode(id, auth);
    return this.beat(id, body);
  }

  private beat(id: string, body: HeartbeatRequest | undefined): HeartbeatResponse {
    return { heartbeatPeriodMs: this.liveness.beat(id), ...this.nodeTls.heard(id, body) };
  }

  /**
   * The same three calls for this manager's own worker, in this process, while this manager leads: no
   * loopback TLS, HTTP parse, Express and JSON body to validate, which were most of what a manager spent on
   * its own node's calls. The node must still be in the store; its secret is not asked (same process).
   * A follower's worker goes over the network: the leader answers it.
   */
  readonly local: LocalManager = {
    assignments: (id, since) => (this.localNode(id) ? this.assignmentsBody(id, since) : undefined),
    // Copies, as a request body would be: nothing of the worker's own objects ends up in the store.
    report: (id, reports) => (this.localNode(id) ? this.reported(id, structuredClone(reports)) : undefined),
    heartbeat: (id, body) => (this.localNode(id) ? this.beat(id, body && structuredClone(body)) : undefined),
  };

  /** Whether this manager answers its own node here: it leads, and the node is in the store. */
  private localNode(id: string): boolean {
    return this.store.isWritable() && this.store.view().nodes.has(id);
  }

  /** Only the node itself may read its assignments (they hold its tasks' environment) or report for it. */
  private knownNode(id: string, auth: string | undefined) {
    if (!NODE_ID.test(id) || !this.store.view().nodes.has(id)) throw new FlotillaError('not_found', `node ${id} not found`);
    this.cluster.authenticate(id, auth);
  }
}

function validateRegister(b: RegisterRequest) {
  const bad = (m: string) => new FlotillaError('invalid_argument', `register: ${m}`);
  if (typeof b !== 'object' || b === null) throw bad('body must be an object');
  if (b.nodeId !== undefined && (typeof b.nodeId !== 'string' || !NODE_ID.test(b.nodeId))) throw bad('nodeId');
  if (b.token !== undefined && typeof b.token !== 'string') throw bad('token');
  if (b.role !== undefined && b.role !== 'worker' && b.role !== 'manager') throw bad('role');
  if (typeof b.addr !== 'string' || b.addr.length > 255) throw bad('addr');
  parseBody(registerSchema, b, 'register');
  const d = b.description;
  if (typeof d !== 'object' || d === null || typeof d.Hostname !== 'string' || d.Hostname.length > 255) {
    throw bad('description.Hostname');
  }
  if (typeof d.Resources !== 'object' || !Number.isFinite(d.Resources?.NanoCPUs) || !Number.isFinite(d.Resources?.MemoryBytes)) {
    throw bad('description.Resources');
  }
}
