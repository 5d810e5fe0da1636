import { dependencyOrder, serviceDependencies, type ComposeProject } from '@flotilla/compose';
import type { Service, ServiceSpec, StackDeployRequest, StackDeployResult } from '@flotilla/contracts';
import type { StackState } from '../../client/api-client';
import { composeService, convergence, currentTasks, upToDate } from '../task-view';
import { ParallelLines } from '../verbs/parallel-lines';
import { containerName } from '../container-name';
import { scaleWarnings } from '../verbs/scale-warnings';
import { failureLines, failureReason, type StartFailure } from '../verbs/start-failure';
import { logLine } from '../verbs/verb-format';
import { runningReplicas, stoppedReplicas } from '../verbs/stopped';

/** What 1.29's `up` says of a service: its container lines' verb, or `is up-to-date`. */
export type UpAction = 'Creating' | 'Recreating' | 'Starting' | 'Stopping and removing' | 'up-to-date';

export interface UpStep {
  service: string;
  action: UpAction;
  /** 1.29's container names for it: PROJECT_SERVICE_N (or its container_name). */
  containers: string[];
  /** The slot of each of `containers`. */
  slots: number[];
  /** Services of this `up` that come first (1.29 starts a service once these are done). */
  after: string[];
  /** Stopping and removing: the replicas that stay (slots above it go). */
  keep?: number;
  /** 1.29's warnings for the service as it starts converging (see scaleWarnings). */
  warnings?: string[];
}

/** Whether two specs of a service differ in their replica count at most (the containers they run are the same). */
export function countOnly(a: ServiceSpec, b: ServiceSpec, networkName: (target: string) => string = (t) => t): boolean {
  // The store names networks by ID, a deploy request by name.
  const rest = ({ Mode: _m, ...r }: ServiceSpec) => ({
    ...r,
    TaskTemplate: { ...r.TaskTemplate, Networks: r.TaskTemplate.Networks?.map((n) => ({ ...n, Target: networkName(n.Target) })) },
  });
  return 'Replicated' in a.Mode && 'Replicated' in b.Mode && canonical(rest(a)) === canonical(rest(b));
}

/** JSON with object keys sorted, undefined members dropped: equal values, equal text. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x,
  );
}

const composeName = (s: { Name: string; Labels?: Record<string, string> }) => s.Labels?.['com.docker.compose.service'] ?? s.Name;

/**
 * The steps of an `up`, in 1.29's order (dependencies first), from what the manager did to each
 * service: created → Creating, changed → Recreating (Starting when it was stopped: only its count
 * comes back), unchanged → up-to-date (Starting when its ended containers start again). A task of flotilla's is a container of 1.29's, named by slot.
 */
export function upSteps(
  project: Pick<ComposeProject, 'name' | 'services'>,
  stack: StackDeployRequest,
  result: Pick<StackDeployResult, 'created' | 'updated' | 'unchanged'>,
  existing: Service[],
  /** The stack's networks as they stand (the store's IDs to names), to tell a count-only change. */
  networks: readonly { ID: string; Spec: { Name: string } }[] = [],
  /** Unchanged services whose ended containers this `up` started again (1.29's `Starting`). */
  restarted: ReadonlySet<string> = new Set(),
): UpStep[] {
  const netNames = new Map(networks.map((n) => [n.ID, n.Spec.Name]));
  const byService = new Map(stack.services.map((s) => [composeName(s), s]));
  const before = new Map(existing.map((s) => [s.Spec.Name, s]));
  const created = new Set(result.created);
  const updated = new Set(result.updated);
  const steps: UpStep[] = [];
  for (const service of dependencyOrder(project)) {
    const spec = byService.get(service);
    if (!spec) continue;
    const was = before.get(spec.Name);
    const action: UpAction = created.has(spec.Name)
      ? 'Creating'
      : updated.has(spec.Name)
        ? was && stoppedReplicas(was) !== undefined
          ? 'Starting'
          : was && runningReplicas(was) === 0
            ? 'Creating' // deployed at 0 by `run` for its one-off: 1.29 had no container for it yet
            : 'Recreating'
        : restarted.has(spec.Name)
          ? 'Starting'
          : 'up-to-date';
    const n = 'Replicated' in spec.Mode ? (spec.Mode.Replicated.Replicas ?? 1) : 1;
    const after = serviceDependencies(project.services[service]).filter((d) => byService.has(d));
    const warnings = scaleWarnings(project.services[service], n);
    const name = (i: number) => containerName(project.name, service, i, spec.TaskTemplate.ContainerSpec.ContainerName);
    // Only the count changed (`up --scale`): 1.29 creates the new containers, or stops and removes the
    // extra ones, and says nothing of those it keeps.
    const had = was && action === 'Recreating' && countOnly(was.Spec, spec, (t) => netNames.get(t) ?? t) ? runningReplicas(was) : undefined;
    if (had !== undefined && had !== n) {
      const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i + 1);
      const slots = n > had ? range(had, n) : range(n, had);
      const common = { service, containers: slots.map(name), slots, after, warnings };
      steps.push(n > had ? { ...common, action: 'Creating' } : { ...common, action: 'Stopping and removing', keep: n });
      continue;
    }
    const slots = Array.from({ length: n }, (_, i) => i + 1);
    steps.push({ service, action, containers: slots.map(name), slots, after, warnings });
  }
  return steps;
}

/**
 * Turns snapshots of the stack into 1.29's `up` lines: a service's start lines once what it
 * depends on is done, its `done` lines once its tasks run the current spec. Pure: it only keeps
 * what it has printed.
 */
export class UpProgress {
  private readonly phase = new Map<string, 'waiting' | 'started' | 'done'>();
  private readonly writer: ParallelLines;
  private readonly ordered: UpStep[];

  constructor(
    private readonly steps: UpStep[],
    private readonly ansi: boolean,
  ) {
    this.writer = new ParallelLines(ansi);
    for (const s of steps) this.phase.set(s.service, 'waiting');
    this.ordered = [...steps.filter((s) => s.action === 'up-to-date'), ...steps.filter((s) => s.action !== 'up-to-date')];
  }

  /** Some `Stopping and removing` line is not done yet: `up` waits for it, as 1.29 does. */
  removing(): boolean {
    return this.steps.some((s) => s.keep !== undefined && this.phase.get(s.service) !== 'done');
  }

  /**
   * The lines of a service whose container failed to start (see startFailureReport): its running
   * containers `done`, the failed one `error`, and that container's error block.
   */
  failed(state: StackState, f: StartFailure): string {
    const step = this.steps.find((s) => s.service === f.service);
    if (!step || this.phase.get(step.service) !== 'started' || f.slot === undefined) return '';
    this.phase.set(step.service, 'done');
    const ids = new Set(state.services.filter((s) => composeService(s) === f.service).map((s) => s.ID));
    const runs = new Set(currentTasks(state).filter((t) => ids.has(t.ServiceID) && t.Status.State === 'running').map((t) => t.Slot));
    const lines = step.slots.map((slot, i) => ({ name: step.containers[i], slot }));
    return failureLines(this.writer, step.action, lines, runs, f, this.ansi);
  }

  /** The text to write for this snapshot (nothing when nothing moved). */
  next(state: StackState): string {
    let out = '';
    for (let moved = true; moved; ) {
      moved = false;
      // 1.29 says `is up-to-date` as soon as it plans, before a container line of a service as ready.
      for (const step of this.ordered) {
        const phase = this.phase.get(step.service);
        if (phase === 'waiting' && step.after.every((d) => (this.phase.get(d) ?? 'done') === 'done')) {
          moved = true;
          for (const w of step.warnings ?? []) out += this.writer.note(logLine('warning', w, this.ansi));
          if (step.action === 'up-to-date') {
            out += step.containers.map((c) => `${c} is up-to-date\n`).join('');
            this.phase.set(step.service, 'done');
            continue;
          }
          this.writer.add(step.action, step.containers);
          out += this.writer.initial(step.action, step.containers);
          this.phase.set(step.service, 'started');
        } else if (phase === 'started' && (step.keep !== undefined ? removed(state, step.service, step.keep) : started(state, step.service))) {
          moved = true;
          out += step.containers.map((c) => this.writer.status(step.action, c, 'done')).join('');
          this.phase.set(step.service, 'done');
        }
      }
    }
    return out;
  }
}

/**
 * What 1.29's `up` prints when a container of a service it is starting fails to start: the service's
 * other containers that run, `done`; the failed one's line, `error` (after "Host is already in use by
 * another container" for a port taken); then its `ERROR: for CONTAINER` block and the service's, and the
 * command fails with the summary, logged as an error.
 */
export function startFailureReport(progress: UpProgress, state: StackState, f: StartFailure): { text: string; error: string } {
  const text = progress.failed(state, f) + `\nERROR: for ${f.service}  ${failureReason(f)}\n`;
  return { text, error: 'Encountered errors while bringing up the project.' };
}

/**
 * `Creating network "P_default" with the default driver` and `Creating volume "P_data" with default
 * driver` for what this `up` adds to the stack, in 1.29's order (networks, then volumes).
 */
export function resourceLines(project: Pick<ComposeProject, 'name' | 'networks' | 'volumes'>, stack: StackDeployRequest, before: Pick<StackState, 'networks' | 'volumes'>): string[] {
  const key = (name: string, defs: Record<string, { name?: string }>) =>
    Object.keys(defs).find((k) => (defs[k].name ?? `${project.name}_${k}`) === name) ?? name.slice(project.name.length + 1);
  const hadNet = new Set(before.networks.map((n) => n.Spec.Name));
  const hadVol = new Set(before.volumes.map((v) => v.Spec.Name));
  const out: string[] = [];
  for (const n of stack.networks) {
    if (!n.Name || hadNet.has(n.Name)) continue;
    const driver = project.networks[key(n.Name, project.networks)]?.driver;
    out.push(`Creating network "${n.Name}" with ${driver ? `driver "${driver}"` : 'the default driver'}`);
  }
  for (const v of stack.volumes) {
    if (!v.Name || hadVol.has(v.Name)) continue;
    const driver = project.volumes[key(v.Name, project.volumes)]?.driver;
    out.push(`Creating volume "${v.Name}" with ${driver ?? 'default'} driver`);
  }
  return out;
}

/** Whether a service's tasks above slot `keep` have all ended (1.29's `Stopping and removing … done`). */
export function removed(state: StackState, service: string, keep: number): boolean {
  const ids = new Set(state.services.filter((s) => composeService(s) === service).map((s) => s.ID));
  return !state.tasks.some((t) => ids.has(t.ServiceID) && (t.Slot ?? 0) > keep && LIVE.has(t.Status.State));
}

const LIVE = new Set(['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running']);

/**
 * Whether a service's containers have started, as 1.29's `Creating … done` means: a one-off that
 * already ended (a job's exit 3) did start. Polls can miss its short running state, so an ended task
 * whose container gave an exit code counts too; without this `up` waited for it forever.
 */
export function started(state: StackState, service: string): boolean {
  const c = convergence(state, new Set([service]));
  if (c.done) return true;
  const byId = new Map(state.services.map((s) => [s.ID, s]));
  let ran = 0;
  for (const t of state.tasks) {
    const s = byId.get(t.ServiceID);
    if (!s || composeService(s) !== service || !upToDate(t, s)) continue;
    const live = t.Status.State === 'running' || t.Status.State === 'complete';
    const ended = (t.Status.State === 'failed' || t.Status.State === 'shutdown') && t.Status.ContainerStatus?.ExitCode !== undefined;
    if (live || ended) ran++;
  }
  return ran >= c.desired;
}

/**
 * How 1.29's `up` reports a dependency that failed its condition: its parallel writer prints a
 * blank line and `ERROR: for SERVICE  REASON` on the stream itself (no `... error` line: the
 * dependent was never started, and the project-level writer prints no lines), then the command
 * fails with the summary, logged as an error.
 */
export function dependencyFailureReport(failure: string): { text: string; error: string } {
  return { text: `\nERROR: ${failure}\n`, error: 'Encountered errors while bringing up the project.' };
}
