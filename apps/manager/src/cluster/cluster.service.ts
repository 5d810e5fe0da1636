import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { FlotillaError, type CertificateRequest, type CertificateResponse, type Cluster, type NodeRole, type RegisterRequest, type SwarmNode } from '@flotilla/contracts';
import { caDigest, createRootCA, issueNodeCertificate, NODE_TTL_MS } from '@flotilla/pki';
import { newId, put, type StateStore } from '@flotilla/state';
import { STATE_STORE, CLOCK, MANAGER_CONFIG, MEMBERSHIP, type Clock, type Membership } from '../tokens';
import type { ManagerConfig } from '../config';
import { newJoinToken, parseJoinToken, tokensEqual } from '@flotilla/contracts';
import { NodeSecrets } from './node-secrets';
import { signerOf, trustBundle } from './root-rotation-plan';

/** The cluster object (join tokens, settings) and node membership. */
@Injectable()
export class ClusterService {
  private readonly log = new Logger(ClusterService.name);
  private readonly secrets = new NodeSecrets();

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
    @Inject(MEMBERSHIP) private readonly membership: Membership,
  ) {}

  /** Creates the cluster object on first boot; later boots find it in the store. */
  async ensureCluster(): Promise<Cluster> {
    const existing = this.store.view().cluster;
    if (existing) return existing;
    // The root CA lives in the replicated cluster object, so whichever manager leads can sign.
    const ca = await createRootCA(this.clock.now());
    // The token names the CA by its digest: a joining node pins it before it shows the secret.
    const fp = caDigest(ca.certPem);
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
      RedisURL: redisSeenByOthers(this.config.redisUrl, this.config.advertiseAddr),
      TLSInfo: { TrustRoot: ca.certPem },
      CAKey: ca.keyPem,
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

  /** The roots every node trusts now (a PEM bundle: both roots while a rotation runs). */
  caCert(): string {
    const c = this.store.view().cluster;
    if (!c?.TLSInfo) throw new FlotillaError('unavailable', 'the cluster has no CA yet');
    return trustBundle(c);
  }

  /** The current root alone: what a join token's digest names, so a joining node pins it. */
  rootCert(): string {
    const c = this.store.view().cluster;
    if (!c?.TLSInfo) throw new FlotillaError('unavailable', 'the cluster has no CA yet');
    return c.TLSInfo.TrustRoot;
  }

  /**
   * Signs a node's own public key (the private key never leaves it): for a join token, a certificate
   * naming the node (a new id unless it has one) and a role no higher than the token grants.
   */
  async issueCertificate(req: CertificateRequest): Promise<CertificateResponse> {
    const granted = this.roleForToken(req.token);
    const role: NodeRole = granted === 'manager' && req.role !== 'worker' ? 'manager' : 'worker';
    if (req.role === 'manager' && granted !== 'manager') throw new FlotillaError('unauthorized', 'a worker join token cannot join a manager');
    const nodeId = req.nodeId ?? newId();
    const cluster = this.store.view().cluster!;
    if (cluster.RemovedNodes?.includes(nodeId)) throw new FlotillaError('unauthorized', `node ${nodeId} was removed from the swarm; it joins again with a new identity`);
    return { nodeId, ca: this.caCert(), certificate: await this.sign(req.publicKeyPem, nodeId, role, { ips: req.ips, dns: req.hostname ? [req.hostname] : [] }) };
  }

  /** A certificate for a key, signed with the cluster's root (this manager's own, too). */
  async sign(publicKeyPem: string, nodeId: string, role: NodeRole, reachableAt: { ips?: string[]; dns?: string[] }): Promise<string> {
    const c = this.store.view().cluster;
    if (!c?.TLSInfo || !c.CAKey) throw new FlotillaError('unavailable', 'the cluster has no CA yet');
    // `swarm update --cert-expiry` (ns), else swarmkit's 90 days.
    const ttlMs = c.Spec.CAConfig?.NodeCertExpiry ? c.Spec.CAConfig.NodeCertExpiry / 1e6 : NODE_TTL_MS;
    // During a root rotation, the new root signs once every node trusts it (the `issue` phase).
    return issueNodeCertificate(signerOf(c), { publicKeyPem, nodeId, role, clusterId: c.ID, reachableAt }, this.clock.now(), ttlMs);
  }

  /** The credential a registered node presents; derived, so a rejoin gets the same one. */
  secretFor(nodeId: string): string {
    const key = this.store.view().cluster?.NodeKey;
    if (!key) throw new FlotillaError('unavailable', 'the cluster is not initialised yet');
    return this.secrets.of(key, nodeId);
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
    if (role === 'manager' && !(req.nodeId && this.membership.isMember(req.nodeId))) {
      // A manager joins the Raft group first (its manager process does that); a bare worker cannot claim the role.
      throw new FlotillaError('invalid_argument', 'a node joins as a manager with `flotilla swarm join --token <manager token>`, which starts a manager on it');
    }
    const known = req.nodeId ? view.nodes.get(req.nodeId) : undefined;
    if (known) return this.refresh(known.ID, req, at);
    const node: SwarmNode = {
      ID: req.nodeId && /^[a-z0-9]{25}$/.test(req.nodeId) ? req.nodeId : newId(),
      Version: { Index: 0 },
      CreatedAt: at,
      UpdatedAt: at,
      Spec: { Labels: {}, Role: role, Availability: 'active' },
      Description: req.description,
      Status: { State: 'ready', Addr: req.addr },
      ...(role === 'manager'
        ? { ManagerStatus: { Reachability: 'reachable' as const, Addr: this.membership.addressOf(req.nodeId!) ?? this.config.advertiseAddr } }
        : {}),
    };
    await this.store.propose({ ops: [put('node', node, null)] });
    this.log.log({ msg: 'node joined', id: node.ID, hostname: node.Description.Hostname, role });
    return this.store.view().nodes.get(node.ID)!;
  }

  /**
   * A rejoining node's record is written against the version just read; the node monitor may mark it
   * down in between (it was away), so a stale version is re-read and retried rather than failing the join.
   */
  private async refresh(id: string, req: RegisterRequest, at: string): Promise<SwarmNode> {
    for (let attempt = 0; ; attempt++) {
      const known = this.store.view().nodes.get(id);
      if (!known) throw new FlotillaError('not_found', `node ${id} was removed while it rejoined`);
      const next: SwarmNode = { ...known, UpdatedAt: at, Description: req.description, Status: { State: 'ready', Addr: req.addr } };
      try {
        await this.store.propose({ ops: [put('node', next, known.Version.Index)] });
        return this.store.view().nodes.get(id)!;
      } catch (e) {
        if (!(e instanceof FlotillaError && e.code === 'out_of_sequence') || attempt >= 10) throw e;
      }
    }
  }
}

/** "127.0.0.1" in the manager's Redis URL means this host; other hosts reach it at the advertised address. */
export function redisSeenByOthers(redisUrl: string, advertiseAddr: string): string {
  const u = new URL(redisUrl);
  const host = advertiseAddr.replace(/:\d+$/, '');
  const loopback = (h: string) => h === 'localhost' || h.startsWith('127.') || h === '[::1]';
  if (loopback(u.hostname) && !loopback(host)) u.hostname = host;
  return u.toString().replace(/\/$/, '');
}
