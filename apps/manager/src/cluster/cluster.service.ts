import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { FlotillaError, type Cluster, type NodeRole, type RegisterRequest, type SwarmNode } from '@flotilla/contracts';
import { newId, put, type StateStore } from '@flotilla/state';
import { STATE_STORE, CLOCK, MANAGER_CONFIG, type Clock } from '../tokens';
import type { ManagerConfig } from '../config';
import { clusterFingerprint, newJoinToken, nodeSecret, parseJoinToken, tokensEqual } from '@flotilla/contracts';

/** The cluster object (join tokens, settings) and node membership. */
@Injectable()
export class ClusterService {
  private readonly log = new Logger(ClusterService.name);

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
  ) {}

  /** Creates the cluster object on first boot; later boots find it in the store. */
  async ensureCluster(): Promise<Cluster> {
    const existing = this.store.view().cluster;
    if (existing?.NodeKey) return existing;
    if (existing) {
      // A cluster from before node credentials existed gets its key now.
      await this.store.propose({ ops: [put('cluster', { ...existing, NodeKey: randomBytes(32).toString('hex') }, existing.Version.Index)] });
      return this.store.view().cluster!;
    }
    const fp = clusterFingerprint(randomBytes(32).toString('hex'));
    const at = new Date(this.clock.now()).toISOString();
    const cluster: Cluster = {
      ID: newId(),
      Version: { Index: 0 },
      CreatedAt: at,
      UpdatedAt: at,
      Spec: {
        Name: 'default',
        Orchestration: { TaskHistoryRetentionLimit: 5 },
        Raft: { SnapshotInterval: 10000, ElectionTick: 10, HeartbeatTick: 1 },
        Dispatcher: { HeartbeatPeriod: this.config.heartbeatPeriodMs * 1e6 },
      },
      JoinTokens: { Worker: newJoinToken(fp), Manager: newJoinToken(fp) },
      NodeKey: randomBytes(32).toString('hex'),
    };
    await this.store.propose({ ops: [put('cluster', cluster, null)] });
    this.log.log({ msg: 'cluster created', id: cluster.ID });
    return this.store.view().cluster!;
  }

  /** Which role a join token grants, or an `unauthorized` error. */
  roleForToken(token: string | undefined): NodeRole {
    const cluster = this.store.view().cluster;
    if (!cluster) throw new FlotillaError('unavailable', 'the cluster is not initialised yet');
    const parsed = token ? parseJoinToken(token) : undefined;
    if (!parsed) throw new FlotillaError('invalid_argument', 'invalid join token');
    // Both comparisons always run, so timing says nothing about which token matched.
    const w = tokensEqual(token!.trim(), cluster.JoinTokens.Worker);
    const m = tokensEqual(token!.trim(), cluster.JoinTokens.Manager);
    if (m) return 'manager';
    if (w) return 'worker';
    throw new FlotillaError('unauthorized', 'invalid join token');
  }

  /** The credential a registered node presents; derived, so a rejoin gets the same one. */
  secretFor(nodeId: string): string {
    const key = this.store.view().cluster?.NodeKey;
    if (!key) throw new FlotillaError('unavailable', 'the cluster is not initialised yet');
    return nodeSecret(key, nodeId);
  }

  /** Checks `Authorization: Bearer <secret>` of a node call, in constant time. */
  authenticate(nodeId: string, authorization: string | undefined): void {
    const presented = /^Bearer ([0-9a-f]{64})$/.exec(authorization ?? '')?.[1] ?? '';
    if (!tokensEqual(presented.padEnd(64, '0'), this.secretFor(nodeId)) || presented.length !== 64) {
      throw new FlotillaError('unauthorized', `node ${nodeId}: invalid credentials`);
    }
  }

  /** Registers a joining node, or refreshes a known one (a restarted node keeps its id). */
  async register(req: RegisterRequest): Promise<SwarmNode> {
    const view = this.store.view();
    const at = new Date(this.clock.now()).toISOString();
    // Every registration, a rejoin too, presents a valid token: a node id alone proves nothing.
    const granted = this.roleForToken(req.token);
    const role = req.role ?? granted;
    if (role === 'manager' && granted !== 'manager') throw new FlotillaError('unauthorized', 'a worker join token cannot join a manager');
    const otherManager = [...view.nodes.values()].some((n) => n.Spec.Role === 'manager' && n.ID !== req.nodeId);
    if (role === 'manager' && otherManager) {
      // Extra managers replicate the store through Raft, which this manager does not run yet.
      throw new FlotillaError('invalid_argument', 'joining as a manager is not supported yet: run `flotilla swarm join` with the worker token');
    }
    const known = req.nodeId ? view.nodes.get(req.nodeId) : undefined;
    if (known) {
      const next: SwarmNode = {
        ...known,
        UpdatedAt: at,
        Description: req.description,
        Status: { State: 'ready', Addr: req.addr },
      };
      await this.store.propose({ ops: [put('node', next, known.Version.Index)] });
      return this.store.view().nodes.get(known.ID)!;
    }
    const node: SwarmNode = {
      ID: req.nodeId && /^[a-z0-9]{25}$/.test(req.nodeId) ? req.nodeId : newId(),
      Version: { Index: 0 },
      CreatedAt: at,
      UpdatedAt: at,
      Spec: { Labels: {}, Role: role, Availability: 'active' },
      Description: req.description,
      Status: { State: 'ready', Addr: req.addr },
      ...(role === 'manager'
        ? { ManagerStatus: { Leader: true, Reachability: 'reachable' as const, Addr: this.config.advertiseAddr } }
        : {}),
    };
    await this.store.propose({ ops: [put('node', node, null)] });
    this.log.log({ msg: 'node joined', id: node.ID, hostname: node.Description.Hostname, role });
    return this.store.view().nodes.get(node.ID)!;
  }
}
