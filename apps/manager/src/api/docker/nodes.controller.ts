import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { FlotillaError, type NodeSpec, type SwarmNode } from '@flotilla/contracts';
import { del, put, type StateStore } from '@flotilla/state';
import { CLOCK, STATE_STORE, type Clock } from '../../tokens';
import { anyOf, labelsMatch, parseFilters } from './filters';
import { lookup } from './lookup';
import { LocalNode } from './local-node';
import { ManagersService } from '../../cluster/managers.service';
import { nodeSpecSchema, parseBody } from '../schemas';

const NODE_FILTERS = ['id', 'name', 'role', 'membership', 'label', 'node.label'] as const;

@Controller('nodes')
export class NodesController {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly local: LocalNode,
    private readonly managers: ManagersService,
  ) {}

  @Get()
  list(@Query('filters') raw?: string): SwarmNode[] {
    const f = parseFilters(raw, NODE_FILTERS);
    return [...this.store.view().nodes.values()].map((n) => this.managers.withLiveStatus(n)).filter(
      (n) =>
        anyOf(f.get('id'), (v) => n.ID.startsWith(v)) &&
        anyOf(f.get('name'), (v) => n.Description.Hostname.startsWith(v) || (n.Spec.Name ?? '').startsWith(v)) &&
        anyOf(f.get('role'), (v) => n.Spec.Role === v) &&
        anyOf(f.get('membership'), (v) => v === 'accepted') &&
        labelsMatch(n.Description.Engine.Labels, f.get('label')) &&
        labelsMatch(n.Spec.Labels, f.get('node.label')),
    );
  }

  @Get(':id')
  inspect(@Param('id') id: string): SwarmNode {
    return this.managers.withLiveStatus(this.find(id));
  }

  @Post(':id/update')
  @HttpCode(200)
  async update(@Param('id') id: string, @Query('version') version: string, @Body() spec: NodeSpec): Promise<void> {
    const node = this.find(id);
    validateNodeSpec(spec);
    const view = this.store.view();
    if (node.Spec.Role === 'manager' && spec.Role === 'worker') {
      const managers = [...view.nodes.values()].filter((n) => n.Spec.Role === 'manager');
      if (managers.length <= 1) {
        throw new FlotillaError('invalid_argument', `rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm`);
      }
    }
    // Demotion: checked first (never the last manager, never the quorum); the role change reaches the
    // demoted manager through the log, so it hands over to a worker; then it leaves the Raft group.
    const demote = node.Spec.Role === 'manager' && spec.Role === 'worker';
    if (demote) this.managers.checkRemovable(node.ID);
    const at = new Date(this.clock.now()).toISOString();
    await this.store.propose({ ops: [put('node', { ...node, UpdatedAt: at, Spec: { ...spec, Labels: spec.Labels ?? {} } }, Number(version))] });
    if (demote) await this.managers.removeMember(node.ID);
  }

  @Delete(':id')
  @HttpCode(200)
  async remove(@Param('id') id: string, @Query('force') force?: string): Promise<void> {
    const node = this.find(id);
    if (node.ID === this.local.id() || (node.Spec.Role === 'manager' && force !== 'true' && force !== '1')) {
      throw new FlotillaError(
        'invalid_argument',
        `rpc error: code = FailedPrecondition desc = node ${node.ID} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`,
      );
    }
    if (node.Status.State === 'ready' && force !== 'true' && force !== '1') {
      throw new FlotillaError('invalid_argument', `rpc error: code = FailedPrecondition desc = node ${node.ID} is not down and can't be removed`);
    }
    // Its certificate stops working with it (swarmkit keeps such a list of revoked node certificates).
    const cluster = this.store.view().cluster!;
    const revoked = { ...cluster, RemovedNodes: [...new Set([...(cluster.RemovedNodes ?? []), node.ID])] };
    await this.store.propose({ ops: [del('node', node.ID, node.Version.Index), put('cluster', revoked, cluster.Version.Index)] });
  }

  private find(ref: string): SwarmNode {
    const view = this.store.view();
    // dockerd answers 404 for "self" (its CLI resolves it); flotilla's own CLI relies on the server doing it.
    const id = ref === 'self' ? (this.local.id() ?? ref) : ref;
    return lookup('node', id, view.nodes.values(), (x) => view.nodes.get(x), (n) => n.Description.Hostname);
  }
}

function validateNodeSpec(s: NodeSpec) {
  const bad = (m: string) => new FlotillaError('invalid_argument', m);
  if (!s || typeof s !== 'object') throw bad('unexpected EOF');
  if (s.Role !== 'worker' && s.Role !== 'manager') throw bad(`invalid role ${String(s.Role)}`);
  if (!['active', 'pause', 'drain'].includes(s.Availability)) throw bad(`invalid availability ${String(s.Availability)}`);
  if (s.Labels !== undefined && (typeof s.Labels !== 'object' || s.Labels === null)) throw bad('invalid labels');
  parseBody(nodeSpecSchema, s);
}
