import { Inject, Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import {
  FlotillaError,
  LABEL,
  type NetworkSpec,
  type Service,
  type ServiceSpec,
  type StackDeployRequest,
  type StackDeployResult,
  type StackState,
  type VolumeSpec,
} from '@flotilla/contracts';
import { del, newId, put, type Op, type StateStore, type StateView } from '@flotilla/state';
import { CLOCK, STATE_STORE, type Clock } from '../tokens';
import { validateServiceSpec, validateName } from './spec-validation';
import { parseBody, stackDeploySchema } from './schemas';
import { endpointOf } from './endpoint';
import { resolveNetworks } from './resolve-networks';
import { jobRun, withJobDefaults } from './job-runs';
import { retireEndedTasks } from '@flotilla/scheduling';


/**
 * A stack is the set of objects labelled com.docker.stack.namespace=NAME, as
 * in `docker stack`. Deploying writes the whole difference in one proposal:
 * either every object changes or none does.
 */
@Injectable()
export class StackService {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async deploy(name: string, req: StackDeployRequest): Promise<StackDeployResult> {
    validateName('stack', name);
    if (!req || !Array.isArray(req.services) || !Array.isArray(req.networks) || !Array.isArray(req.volumes)) {
      throw new FlotillaError('invalid_argument', 'stack deploy: services, networks and volumes must be arrays');
    }
    parseBody(stackDeploySchema, req, 'stack deploy');
    const view = this.store.view();
    const at = new Date(this.clock.now()).toISOString();
    const ops: Op[] = [];
    const result: StackDeployResult = { index: 0, created: [], updated: [], unchanged: [], removed: [] };

    const netIds = new Map<string, string>();
    for (const spec of req.networks) {
      validateNetworkSpec(spec);
      const s = withNamespace(spec, name);
      const id = view.idByName('network', s.Name);
      const cur = id ? view.networks.get(id) : undefined;
      if (cur) {
        netIds.set(s.Name, cur.ID);
        continue;
      }
      const nid = newId();
      netIds.set(s.Name, nid);
      ops.push(put('network', { ID: nid, Version: { Index: 0 }, CreatedAt: at, UpdatedAt: at, Spec: s }, null));
    }
    for (const spec of req.volumes) {
      validateVolumeSpec(spec);
      const s = withNamespace(spec, name);
      if (view.idByName('volume', s.Name)) continue;
      ops.push(put('volume', { ID: newId(), Version: { Index: 0 }, CreatedAt: at, UpdatedAt: at, Spec: s }, null));
    }

    const wanted = new Set<string>();
    for (const raw of req.services) {
      validateServiceSpec(raw);
      const spec = withJobDefaults(resolveNetworks(withNamespace(raw, name), view, netIds));
      wanted.add(spec.Name);
      const id = view.idByName('service', spec.Name);
      const cur = id ? view.services.get(id) : undefined;
      if (!cur) {
        ops.push(
          put(
            'service',
            { ID: newId(), Version: { Index: 0 }, CreatedAt: at, UpdatedAt: at, Spec: spec, Endpoint: endpointOf(spec), ...jobRun(spec, undefined, at) },
            null,
          ),
        );
        result.created.push(spec.Name);
      } else if (isDeepStrictEqual(normalizeForCompare(cur.Spec), normalizeForCompare(spec))) {
        result.unchanged.push(spec.Name);
      } else {
        ops.push(
          put(
            'service',
            {
              ...cur,
              UpdatedAt: at,
              Spec: spec,
              PreviousSpec: cur.Spec,
              Endpoint: endpointOf(spec),
              ...jobRun(spec, cur, at),
              // As `docker stack deploy` updates a service: a new task template is a rolling update.
              ...(isDeepStrictEqual(normalizeForCompare(cur.Spec).TaskTemplate, normalizeForCompare(spec).TaskTemplate)
                ? {}
                : { UpdateStatus: { State: 'updating' as const, StartedAt: at, Message: 'update in progress' } }),
            },
            cur.Version.Index,
          ),
        );
        result.updated.push(spec.Name);
      }
    }
    if (req.prune) {
      for (const s of this.stackServices(view, name)) {
        if (wanted.has(s.Spec.Name)) continue;
        ops.push(del('service', s.ID, s.Version.Index));
        result.removed.push(s.Spec.Name);
      }
    }
    result.index = ops.length ? await this.store.propose({ ops }) : view.index;
    return result;
  }

  /** Removes the stack's services and networks (and volumes when asked) in one proposal. */
  async remove(name: string, opts: { volumes: boolean }): Promise<{ index: number; removed: string[] }> {
    const view = this.store.view();
    const ops: Op[] = [];
    const removed: string[] = [];
    for (const s of this.stackServices(view, name)) {
      ops.push(del('service', s.ID, s.Version.Index));
      removed.push(s.Spec.Name);
    }
    for (const n of view.networks.values()) {
      if (n.Spec.Labels?.[LABEL.stackNamespace] === name) ops.push(del('network', n.ID, n.Version.Index));
    }
    if (opts.volumes) {
      for (const v of view.volumes.values()) {
        if (v.Spec.Labels?.[LABEL.stackNamespace] === name) ops.push(del('volume', v.ID, v.Version.Index));
      }
    }
    const index = ops.length ? await this.store.propose({ ops }) : view.index;
    return { index, removed };
  }

  /**
   * Starts again only the slots of these ended tasks (compose `start`/`up`: 1.29 starts the stopped
   * containers and leaves running ones be): each is retired, and the reconciler gives its slot a new task.
   */
  async restartEnded(name: string, taskIds: string[]): Promise<{ index: number; restarted: string[] }> {
    const view = this.store.view();
    const services = new Set(this.stackServices(view, name).map((s) => s.ID));
    // The asked tasks only, looked up: not a walk over every task of the cluster.
    const asked = taskIds.map((id) => view.tasks.get(id)).filter((t) => t !== undefined);
    const retired = retireEndedTasks(asked, new Set(taskIds), services, new Date(this.clock.now()).toISOString());
    const index = retired.length ? await this.store.propose({ ops: retired.map((t) => put('task', t, t.Version.Index)) }) : view.index;
    return { index, restarted: retired.map((t) => t.ID) };
  }

  get(name: string): StackState {
    const view = this.store.view();
    const services = this.stackServices(view, name);
    const tasks = services.flatMap((s) => view.tasksOfService(s.ID));
    // Tasks of services already removed but whose containers are still going away.
    for (const t of view.tasks.values()) {
      if (!view.services.has(t.ServiceID) && t.Spec.ContainerSpec.Labels?.[LABEL.stackNamespace] === name) tasks.push(t);
    }
    const networks = [...view.networks.values()].filter((n) => n.Spec.Labels?.[LABEL.stackNamespace] === name);
    const volumes = [...view.volumes.values()].filter((v) => v.Spec.Labels?.[LABEL.stackNamespace] === name);
    return { name, services, tasks, networks, volumes };
  }

  private stackServices(view: StateView, name: string): Service[] {
    return [...view.services.values()].filter((s) => s.Spec.Labels?.[LABEL.stackNamespace] === name);
  }
}

function withNamespace<T extends { Labels?: Record<string, string> }>(spec: T, stack: string): T {
  return { ...spec, Labels: { ...spec.Labels, [LABEL.stackNamespace]: stack } };
}


/** Fields absent and fields present-but-undefined are the same spec. */
function normalizeForCompare(spec: ServiceSpec): ServiceSpec {
  return JSON.parse(JSON.stringify(spec));
}

function validateNetworkSpec(s: NetworkSpec) {
  if (typeof s !== 'object' || s === null) throw new FlotillaError('invalid_argument', 'network spec must be an object');
  validateName('network', s.Name);
}

function validateVolumeSpec(s: VolumeSpec) {
  if (typeof s !== 'object' || s === null) throw new FlotillaError('invalid_argument', 'volume spec must be an object');
  validateName('volume', s.Name);
}
