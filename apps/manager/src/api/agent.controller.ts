import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import {
  FlotillaError,
  type AssignmentSet,
  type Network,
  type RegisterRequest,
  type RegisterResponse,
  type ServiceEndpoint,
  type StatusRequest,
  type Volume,
} from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { ClusterService } from '../cluster/cluster.service';
import { DispatcherService } from '../control/dispatcher.service';
import { NodeLivenessService } from '../control/node-liveness.service';
import { StatusService } from '../control/status.service';
import { MANAGER_CONFIG, STATE_STORE } from '../tokens';
import type { ManagerConfig } from '../config';

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
  ) {}

  @Post('register')
  @HttpCode(200)
  async register(@Body() body: RegisterRequest): Promise<RegisterResponse> {
    validateRegister(body);
    const node = await this.cluster.register(body);
    this.liveness.beat(node.ID);
    // A (re)joining worker must converge on its full set even if no doorbell is queued.
    this.dispatcher.ring(node.ID);
    return {
      nodeId: node.ID,
      redisUrl: this.config.redisUrl,
      heartbeatPeriodMs: this.config.heartbeatPeriodMs,
      nodeSecret: this.cluster.secretFor(node.ID),
      clusterId: this.store.view().cluster!.ID,
    };
  }

  @Get(':id/assignments')
  assignments(@Param('id') id: string, @Headers('authorization') auth: string | undefined): AssignmentSet {
    this.knownNode(id, auth);
    const view = this.store.view();
    const tasks = view.tasksOfNode(id);
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
    return { nodeId: id, index: view.index, tasks, networks: [...networks.values()], volumes, endpoints };
  }

  @Post(':id/status')
  @HttpCode(204)
  async report(@Param('id') id: string, @Body() body: StatusRequest, @Headers('authorization') auth: string | undefined): Promise<void> {
    this.knownNode(id, auth);
    if (!body || !Array.isArray(body.reports) || body.reports.length > 10_000) {
      throw new FlotillaError('invalid_argument', 'status: reports must be a list of at most 10000 entries');
    }
    this.liveness.beat(id);
    if (body.reports.length) await this.status.report(id, body.reports);
  }

  @Post(':id/heartbeat')
  @HttpCode(204)
  heartbeat(@Param('id') id: string, @Headers('authorization') auth: string | undefined): void {
    this.knownNode(id, auth);
    this.liveness.beat(id);
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
  const d = b.description;
  if (typeof d !== 'object' || d === null || typeof d.Hostname !== 'string' || d.Hostname.length > 255) {
    throw bad('description.Hostname');
  }
  if (typeof d.Resources !== 'object' || !Number.isFinite(d.Resources?.NanoCPUs) || !Number.isFinite(d.Resources?.MemoryBytes)) {
    throw bad('description.Resources');
  }
}
