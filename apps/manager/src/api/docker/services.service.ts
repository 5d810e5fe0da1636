import { Inject, Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { FlotillaError, isJobMode, isTerminal, type Service, type ServiceSpec, type Task } from '@flotilla/contracts';
import { del, newId, put, type StateStore, type StateView } from '@flotilla/state';
import { jobCounts, jobIteration, parseConstraint } from '@flotilla/scheduling';
import { CLOCK, STATE_STORE, type Clock } from '../../tokens';
import { validateServiceSpec } from '../spec-validation';
import { endpointOf } from '../endpoint';
import { resolveNetworks } from '../resolve-networks';
import { anyOf, labelsMatch, parseFilters } from './filters';
import { lookup } from './lookup';
import { validateSecretRefs } from './secret-refs';
import { withDefaults } from './service-view';
import { jobRun, withJobDefaults } from '../job-runs';

const SERVICE_FILTERS = ['id', 'name', 'label', 'mode'] as const;

/** Services as Docker's API sees them: list, inspect, create, update with versions, remove. */
@Injectable()
export class ServicesService {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  list(rawFilters: string | undefined, status: boolean): Service[] {
    const f = parseFilters(rawFilters, SERVICE_FILTERS);
    const view = this.store.view();
    return [...view.services.values()]
      .filter(
        (s) =>
          anyOf(f.get('id'), (v) => s.ID.startsWith(v)) &&
          anyOf(f.get('name'), (v) => s.Spec.Name.startsWith(v)) &&
          labelsMatch(s.Spec.Labels, f.get('label')) &&
          anyOf(f.get('mode'), (v) => (v === 'global' ? 'Global' in s.Spec.Mode : 'Replicated' in s.Spec.Mode)),
      )
      .map((s) => (status ? withStatus(s, view) : s));
  }

  /** What GET /services/{id} answers: swarmkit's defaults filled in when asked. */
  inspect(ref: string, insertDefaults: boolean): Service {
    const s = this.get(ref);
    return insertDefaults ? { ...s, Spec: withDefaults(s.Spec), ...(s.PreviousSpec ? { PreviousSpec: withDefaults(s.PreviousSpec) } : {}) } : s;
  }

  get(ref: string): Service {
    const view = this.store.view();
    return lookup('service', ref, view.services.values(), (id) => view.services.get(id), (s) => s.Spec.Name);
  }

  async create(spec: ServiceSpec): Promise<{ ID: string }> {
    validateServiceSpec(spec);
    validatePlacement(spec);
    const view = this.store.view();
    validateSecretRefs(spec, view);
    const at = new Date(this.clock.now()).toISOString();
    const resolved = withJobDefaults(resolveNetworks(spec, view));
    const svc: Service = { ID: newId(), Version: { Index: 0 }, CreatedAt: at, UpdatedAt: at, Spec: resolved, Endpoint: endpointOf(resolved), ...jobRun(resolved, undefined, at) };
    await this.store.propose({ ops: [put('service', svc, null)] });
    return { ID: svc.ID };
  }

  async update(ref: string, version: number, spec: ServiceSpec, rollback: boolean): Promise<{ Warnings: null }> {
    const cur = this.get(ref);
    if (!Number.isSafeInteger(version)) throw new FlotillaError('invalid_argument', 'invalid version');
    let next: ServiceSpec;
    if (rollback) {
      if (!cur.PreviousSpec) throw new FlotillaError('invalid_argument', `service ${cur.ID} does not have a previous spec`);
      next = cur.PreviousSpec;
    } else {
      validateServiceSpec(spec);
      validatePlacement(spec);
      if (spec.Name !== cur.Spec.Name) throw new FlotillaError('invalid_argument', 'rpc error: code = Unimplemented desc = renaming services is not supported');
      if (modeKind(cur.Spec.Mode) !== modeKind(spec.Mode)) throw new FlotillaError('invalid_argument', 'rpc error: code = Unimplemented desc = service mode change is not allowed');
      validateSecretRefs(spec, this.store.view());
      next = withJobDefaults(resolveNetworks(spec, this.store.view()));
    }
    const at = new Date(this.clock.now()).toISOString();
    const svc: Service = { ...cur, UpdatedAt: at, Spec: next, PreviousSpec: cur.Spec, Endpoint: endpointOf(next), ...jobRun(next, cur, at) };
    // Docker reports an update only when the tasks must change (a scale is not one).
    if (rollback) svc.UpdateStatus = { State: 'rollback_started', StartedAt: at, Message: 'manually requested rollback' };
    else if (!isDeepStrictEqual(next.TaskTemplate, cur.Spec.TaskTemplate)) svc.UpdateStatus = { State: 'updating', StartedAt: at, Message: 'update in progress' };
    // The version the client read must still be the service's: otherwise Docker's "update out of sequence".
    await this.store.propose({ ops: [put('service', svc, version)] });
    return { Warnings: null };
  }

  async remove(ref: string): Promise<void> {
    const s = this.get(ref);
    await this.store.propose({ ops: [del('service', s.ID)] });
  }
}

/** ServiceStatus as `service ls` reads it (?status=true). */
export function withStatus(s: Service, view: StateView): Service {
  if (isJobMode(s.Spec.Mode)) return { ...s, ServiceStatus: jobStatus(s, view.tasksOfService(s.ID)) };
  // Counted by the store as tasks change: a replicated service of 100k tasks is not read task by task.
  const { running, complete: completed } = view.countsOfService(s.ID);
  let desired: number;
  if ('Replicated' in s.Spec.Mode) desired = s.Spec.Mode.Replicated.Replicas ?? 1;
  // A held stop-first replacement (desired `ready`) counts: it is the node's task, waiting for the old one to stop.
  else desired = view.tasksOfService(s.ID).filter((t: Task) => (t.DesiredState === 'running' || t.DesiredState === 'ready') && !isTerminal(t.Status.State)).length;
  return { ...s, ServiceStatus: { RunningTasks: running, DesiredTasks: desired, CompletedTasks: completed } };
}

/**
 * A job's ServiceStatus as Docker 20.10 reports it (recorded): the current run's running and
 * completed tasks; desired is MaxConcurrent for a replicated job, the tasks still to finish for a
 * global one (docker prints "running/desired (completed/total completed)").
 */
function jobStatus(s: Service, all: readonly Task[]): NonNullable<Service['ServiceStatus']> {
  const iteration = jobIteration(s);
  const tasks = all.filter((t) => (t.JobIteration?.Index ?? -1) === iteration);
  const running = tasks.filter((t) => t.Status.State === 'running').length;
  const completed = tasks.filter((t) => t.Status.State === 'complete').length;
  const desired = 'ReplicatedJob' in s.Spec.Mode ? jobCounts(s).maxConcurrent : tasks.filter((t) => t.DesiredState === 'complete' && t.Status.State !== 'complete').length;
  return { RunningTasks: running, DesiredTasks: desired, CompletedTasks: completed };
}

function modeKind(mode: ServiceSpec['Mode']): string {
  return Object.keys(mode ?? {})[0] ?? 'Replicated';
}

function validatePlacement(spec: ServiceSpec) {
  for (const c of spec.TaskTemplate.Placement?.Constraints ?? []) {
    try {
      parseConstraint(c);
    } catch (e) {
      throw new FlotillaError('invalid_argument', `rpc error: code = InvalidArgument desc = ${(e as Error).message}`);
    }
  }
}

