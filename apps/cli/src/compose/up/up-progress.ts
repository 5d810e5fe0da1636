import { dependencyOrder, serviceDependencies, type ComposeProject } from '@flotilla/compose';
import type { Service, StackDeployRequest, StackDeployResult } from '@flotilla/contracts';
import type { StackState } from '../../client/api-client';
import { composeService, convergence, upToDate } from '../task-view';
import { ParallelLines } from '../verbs/parallel-lines';
import { runningReplicas, stoppedReplicas } from '../verbs/stopped';

/** What 1.29's `up` says of a service: its container lines' verb, or `is up-to-date`. */
export type UpAction = 'Creating' | 'Recreating' | 'Starting' | 'up-to-date';

export interface UpStep {
  service: string;
  action: UpAction;
  /** 1.29's container names for it: PROJECT_SERVICE_N. */
  containers: string[];
  /** Services of this `up` that come first (1.29 starts a service once these are done). */
  after: string[];
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
  /** Unchanged services whose ended containers this `up` started again (1.29's `Starting`). */
  restarted: ReadonlySet<string> = new Set(),
): UpStep[] {
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
    steps.push({
      service,
      action,
      containers: Array.from({ length: n }, (_, i) => `${project.name}_${service}_${i + 1}`),
      after: serviceDependencies(project.services[service]).filter((d) => byService.has(d)),
    });
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
    ansi: boolean,
  ) {
    this.writer = new ParallelLines(ansi);
    for (const s of steps) this.phase.set(s.service, 'waiting');
    this.ordered = [...steps.filter((s) => s.action === 'up-to-date'), ...steps.filter((s) => s.action !== 'up-to-date')];
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
          if (step.action === 'up-to-date') {
            out += step.containers.map((c) => `${c} is up-to-date\n`).join('');
            this.phase.set(step.service, 'done');
            continue;
          }
          this.writer.add(step.action, step.containers);
          out += this.writer.initial(step.action, step.containers);
          this.phase.set(step.service, 'started');
        } else if (phase === 'started' && started(state, step.service)) {
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
