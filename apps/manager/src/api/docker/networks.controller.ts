import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { FlotillaError, type Network } from '@flotilla/contracts';
import { del, newId, put, type StateStore, type StateView } from '@flotilla/state';
import { CLOCK, STATE_STORE, type Clock } from '../../tokens';
import { validateName } from '../spec-validation';
import { anyOf, labelsMatch, parseFilters } from './filters';
import { lookup } from './lookup';
import { networkResource, specFromCreate, type NetworkCreateRequest } from './network-view';
import { networkCreateSchema, parseBody } from '../schemas';

const NETWORK_FILTERS = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'] as const;
/** Names Docker reserves on every engine; flotilla's ingress is its own proxy, not a network. */
const PREDEFINED = new Set(['bridge', 'host', 'none', 'ingress', 'default']);

/** `/networks`: the cluster's swarm-scoped (overlay) networks, as Docker serves them on a manager. */
@Controller('networks')
export class NetworksController {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  list(@Query('filters') raw?: string) {
    const f = parseFilters(raw, NETWORK_FILTERS);
    const view = this.store.view();
    return [...view.networks.values()]
      .filter(
        (n) =>
          anyOf(f.get('id'), (v) => n.ID.startsWith(v)) &&
          anyOf(f.get('name'), (v) => n.Spec.Name.includes(v)) &&
          anyOf(f.get('driver'), (v) => (n.Spec.DriverConfiguration?.Name ?? 'overlay') === v) &&
          anyOf(f.get('scope'), (v) => v === 'swarm') &&
          anyOf(f.get('type'), (v) => v === 'custom') &&
          anyOf(f.get('dangling'), (v) => (v === 'true' || v === '1') === (usersOf(view, n.ID).length === 0)) &&
          labelsMatch(n.Spec.Labels, f.get('label')),
      )
      .map(networkResource);
  }

  @Get(':id')
  inspect(@Param('id') id: string) {
    return networkResource(this.find(id));
  }

  @Post('create')
  @HttpCode(201)
  async create(@Body() req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
    if (!req || typeof req !== 'object') throw new FlotillaError('invalid_argument', 'unexpected EOF');
    parseBody(networkCreateSchema, req);
    if (PREDEFINED.has(req.Name)) throw new FlotillaError('invalid_argument', `${req.Name} is a pre-defined network and cannot be created`);
    validateName('network', req.Name);
    const driver = req.Driver || 'overlay';
    if (driver !== 'overlay') {
      throw new FlotillaError('invalid_argument', `flotilla manages swarm-scoped networks only: driver must be overlay, not ${driver}`);
    }
    if (req.Ingress) throw new FlotillaError('invalid_argument', 'flotilla serves published ports through its own ingress proxy: an ingress network cannot be created');
    if (req.ConfigOnly) throw new FlotillaError('invalid_argument', 'config-only networks are not supported');
    for (const o of [req.Labels, req.Options]) {
      if (o != null && (typeof o !== 'object' || Object.values(o).some((v) => typeof v !== 'string'))) {
        throw new FlotillaError('invalid_argument', 'labels and options must map strings to strings');
      }
    }
    const view = this.store.view();
    if (view.idByName('network', req.Name)) throw new FlotillaError('conflict', `network with name ${req.Name} already exists`);
    const at = new Date(this.clock.now()).toISOString();
    const net: Network = { ID: newId(), Version: { Index: 0 }, CreatedAt: at, UpdatedAt: at, Spec: specFromCreate(req) };
    // The store refuses a second network of that name too (a create racing this one).
    await this.store.propose({ ops: [put('network', net, null)] });
    return { Id: net.ID, Warning: '' };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    const n = this.find(id);
    const users = usersOf(this.store.view(), n.ID);
    if (users.length) {
      throw new FlotillaError('invalid_argument', `rpc error: code = FailedPrecondition desc = network ${n.ID} is in use by service ${users[0]}`);
    }
    await this.store.propose({ ops: [del('network', n.ID, n.Version.Index)] });
  }

  private find(ref: string): Network {
    const view = this.store.view();
    return lookup('network', ref, view.networks.values(), (x) => view.networks.get(x), (n) => n.Spec.Name);
  }
}

/** Ids of the services attached to a network (Docker refuses to remove it while there are any). */
function usersOf(view: StateView, networkId: string): string[] {
  return [...view.services.values()].filter((s) => s.Spec.TaskTemplate.Networks?.some((a) => a.Target === networkId)).map((s) => s.ID);
}
