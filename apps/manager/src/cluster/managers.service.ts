import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  FlotillaError,
  type ManagerJoinRequest,
  type ManagerJoinResponse,
  type ManagerStatus,
  type SwarmNode,
} from '@flotilla/contracts';
import { put } from '@flotilla/state';
import { MANAGER_CONFIG, STATE_STORE } from '../tokens';
import type { ManagerConfig } from '../config';
import { ClusterService } from './cluster.service';
import { NO_LEADER, type RaftStore } from './raft-store';
import { ManagerKeys } from './manager-keys';

/** A learner this close to the leader's log may vote without slowing commits down. */
const CAUGHT_UP_SLACK = 50;

/**
 * The managers' side of membership: Raft joins (learner, then voter), the
 * live ManagerStatus (Leader / Reachable / Unreachable) that Docker shows,
 * and the addresses nodes fail over to.
 */
@Injectable()
export class ManagersService {
  private readonly log = new Logger(ManagersService.name);

  constructor(
    @Inject(STATE_STORE) private readonly store: RaftStore,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
    private readonly cluster: ClusterService,
    private readonly keys: ManagerKeys,
  ) {}

  /** On the leader: admits a manager as a learner, then (once caught up) as a voter. */
  async join(req: ManagerJoinRequest): Promise<ManagerJoinResponse> {
    if (this.cluster.roleForToken(req.token) !== 'manager') {
      throw new FlotillaError('unauthorized', 'a worker join token cannot join a manager');
    }
    if (!this.store.isWritable()) throw new FlotillaError('unavailable', NO_LEADER);
    const raft = this.store.raft;
    const m = raft.membership();
    if (req.stage === 'learner') {
      if (m.voters.includes(req.nodeId)) {
        // A manager that restarted mid-join, or joins again: nothing to add.
      } else if (!m.learners.includes(req.nodeId)) {
        await this.change({ type: 'addLearner', node: req.nodeId, context: req.addr });
      }
      await this.recordManagerNode(req);
    } else {
      if (!m.learners.includes(req.nodeId) && !m.voters.includes(req.nodeId)) {
        throw new FlotillaError('invalid_argument', `node ${req.nodeId} must join as a learner first`);
      }
      if (!m.voters.includes(req.nodeId)) {
        const p = raft.peerProgress(req.nodeId);
        const commit = raft.status().commit;
        if (!p || p.match + CAUGHT_UP_SLACK < commit) {
          throw new FlotillaError('unavailable', `manager ${req.nodeId} has not caught up yet (${p?.match ?? 0} of ${commit}); retry`);
        }
        await this.change({ type: 'addVoter', node: req.nodeId, context: req.addr });
        this.log.log({ msg: 'manager joined', nodeId: req.nodeId, addr: req.addr });
      }
    }
    const cluster = this.store.view().cluster!;
    return {
      peers: Object.fromEntries(this.store.members().flatMap((x) => (x.addr ? [[x.id, x.addr]] : []))),
      raftKey: this.keys.require(),
      redisUrl: cluster.RedisURL ?? this.config.redisUrl,
      clusterId: cluster.ID,
      index: raft.status().commit,
    };
  }

  /** Removes a manager from the Raft group (demote, node rm); refuses to break the last quorum. */
  async removeMember(nodeId: string): Promise<void> {
    this.checkRemovable(nodeId);
    if (this.store.isMember(nodeId)) await this.change({ type: 'remove', node: nodeId });
  }

  /** Throws if removing this manager would leave no manager, or no quorum. */
  checkRemovable(nodeId: string): void {
    const m = this.store.raft.membership();
    if (!m.voters.includes(nodeId) && !m.learners.includes(nodeId)) return;
    if (m.voters.length === 1 && m.voters[0] === nodeId) {
      throw new FlotillaError('invalid_argument', 'attempting to demote the last manager of the swarm');
    }
    if (m.voters.includes(nodeId)) {
      const rest = m.voters.filter((v) => v !== nodeId);
      const reachable = rest.filter((v) => v === this.store.raft.status().id || this.store.raft.peerProgress(v)?.active).length;
      if (reachable <= rest.length / 2) {
        throw new FlotillaError('invalid_argument', `can't remove ${nodeId} from the managers: the remaining managers would not have a quorum`);
      }
    }
  }

  isMember(nodeId: string): boolean {
    return this.store.isMember(nodeId);
  }

  /** API addresses of every manager, for nodes to fail over to. */
  managerAddresses(): string[] {
    return this.store
      .members()
      .filter((m) => m.voter && m.addr)
      .map((m) => m.addr!);
  }

  /** The node as Docker shows it: ManagerStatus says who leads and who answers, right now. */
  withLiveStatus(node: SwarmNode): SwarmNode {
    if (node.Spec.Role !== 'manager') {
      if (!node.ManagerStatus) return node;
      const { ManagerStatus: _was, ...worker } = node;
      return worker;
    }
    const raft = this.store.raft;
    const m = raft.membership();
    const member = m.voters.includes(node.ID) || m.learners.includes(node.ID);
    const leader = this.store.leaderId() === node.ID;
    const self = raft.status().id === node.ID;
    const active = raft.peerProgress(node.ID)?.active;
    const reachable = member && (leader || self || active === true || (active === undefined && node.Status.State === 'ready'));
    // A learner still catching up does not vote yet: Docker has no such state, "Unknown" is the honest one.
    const learning = m.learners.includes(node.ID);
    const status: ManagerStatus = {
      Leader: leader || undefined,
      Reachability: learning ? 'unknown' : reachable ? 'reachable' : 'unreachable',
      Addr: this.store.addressOf(node.ID) ?? node.ManagerStatus?.Addr ?? '',
    };
    if (!status.Leader) delete status.Leader;
    return { ...node, ManagerStatus: status };
  }

  private async change(cc: { type: 'addLearner' | 'addVoter' | 'remove'; node: string; context?: string }) {
    try {
      await this.store.raft.changeMembership(cc);
    } catch (e) {
      throw new FlotillaError('unavailable', `membership change failed: ${(e as Error).message}`);
    }
  }

  /** The node object exists from the first stage on, so `node ls` shows a joining manager. */
  private async recordManagerNode(req: ManagerJoinRequest) {
    const view = this.store.view();
    const known = view.nodes.get(req.nodeId);
    const at = new Date().toISOString();
    const ManagerStatus: ManagerStatus = { Reachability: 'unknown', Addr: req.addr };
    if (known) {
      if (known.Spec.Role === 'manager' && known.ManagerStatus?.Addr === req.addr) return;
      await this.store.propose({
        ops: [put('node', { ...known, UpdatedAt: at, Spec: { ...known.Spec, Role: 'manager' }, ManagerStatus }, known.Version.Index)],
      });
      return;
    }
    const node: SwarmNode = {
      ID: req.nodeId,
      Version: { Index: 0 },
      CreatedAt: at,
      UpdatedAt: at,
      Spec: { Labels: {}, Role: 'manager', Availability: 'active' },
      // The manager's own worker fills this in when it registers.
      Description: {
        Hostname: req.addr.split(':')[0],
        Platform: { Architecture: '', OS: '' },
        Resources: { NanoCPUs: 0, MemoryBytes: 0 },
        Engine: { EngineVersion: '' },
      },
      Status: { State: 'unknown', Addr: req.addr.split(':')[0] },
      ManagerStatus,
    };
    await this.store.propose({ ops: [put('node', node, null)] });
  }
}
