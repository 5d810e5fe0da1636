import { buildIndependent, type ComposeProject } from '@flotilla/compose';
import type { Service, StackDeployRequest } from '@flotilla/contracts';
import type { ApiClient, StackState } from '../../client/api-client';
import { DockerApi } from '../../client/docker-api';
import { connect } from '../../client/local-cluster';
import { LocalEngine } from '../engine.adapter';
import { CliError } from '../../errors';
import { timeoutMs } from '../wait';
import { applyStrategy, type Strategy } from './converge';

export interface BuiltAlongside {
  client: ApiClient;
  /** The stack's services before this `up` touched it (what --force-recreate / --no-recreate look at). */
  existing: Service[];
  /** The whole stack before this `up` (which networks and volumes it adds). */
  before: StackState;
  /** Services this `up` created while the images built. */
  createdEarly: string[];
}

const composeName = (s: { Name: string; Labels?: Record<string, string> }) => s.Labels?.['com.docker.compose.service'] ?? s.Name;

/**
 * Runs `build` while the cluster starts the services that need none of its images (new ones
 * only: a changed service waits, so a failed build changes nothing that ran before). docker-compose
 * 1.29 builds first and starts after; this overlaps the two. When the build fails, what was
 * created early is removed again before the error is passed on: nothing is left half-started.
 */
export async function buildAlongside(
  project: ComposeProject,
  stack: StackDeployRequest,
  strategy: Strategy,
  build: () => Promise<void>,
): Promise<BuiltAlongside> {
  const independent = new Set(buildIndependent(project, stack.services.map(composeName)));
  let attempted: { client: ApiClient; existing: Service[]; before: StackState; names: string[] } | undefined;
  let autostarting!: () => void;
  const startsManager = new Promise<void>((r) => (autostarting = r));
  const early = (async () => {
    const { client } = await connect({ autostart: true, onAutostart: autostarting });
    const before = await client.stack(project.name);
    const existing = before.services;
    const have = new Set(existing.map((s) => s.Spec.Name));
    const services = stack.services.filter((s) => independent.has(composeName(s)) && !have.has(s.Name));
    // Nothing builds: one deployment after `build` (a no-op then) does it all.
    if (!services.length || independent.size === stack.services.length) return { client, existing, before, createdEarly: [] as string[] };
    attempted = { client, existing, before, names: services.map((s) => s.Name) };
    const r = await client.deployStack(project.name, { ...applyStrategy({ ...stack, services }, existing, strategy), prune: false });
    return { client, existing, before, createdEarly: r.created };
  })();
  // The build starts once the early deployment is answered: loading the build's client (dockerode)
  // and packing its context would otherwise delay the dependencies that deployment starts, which
  // are usually the long pole. A local manager being started takes seconds: the build goes meanwhile.
  // The build's own failure is the one to report; the early deployment's is seen after it.
  const settled = early.then(
    () => undefined,
    () => undefined,
  );
  const built = await Promise.race([settled, startsManager])
    .then(() => build())
    .then(
      () => undefined,
      (e: unknown) => ({ e }),
    );
  if (!built) return early;
  const done = await early.catch(() => undefined);
  // A deployment whose answer was lost (a timeout under load) may still have been applied: undo
  // what it asked for. Undoing is best effort: the build's error is what the user needs to read.
  const undoing = done?.createdEarly.length ? done : attempted && !done ? { ...attempted, createdEarly: attempted.names } : undefined;
  if (undoing) await undo(project.name, undoing).catch(() => undefined);
  throw built.e;
}

/**
 * A stack that did not exist goes whole (its network too); else only the services created early.
 * Their containers here are stopped at once (they never served: no grace period, as `down -t 0`),
 * and the command returns once every one of them is gone, as after `down`.
 */
async function undo(stackName: string, { client, existing, createdEarly }: BuiltAlongside): Promise<void> {
  const names = new Set(createdEarly);
  const before = await client.stack(stackName);
  const ids = new Set(before.services.filter((s) => names.has(s.Spec.Name)).map((s) => s.ID));
  const tasks = new Set(before.tasks.filter((t) => ids.has(t.ServiceID)).map((t) => t.ID));
  if (!existing.length) await client.removeStack(stackName, false);
  else for (const s of before.services.filter((x) => names.has(x.Spec.Name))) await new DockerApi(client.baseUrl).removeService(s.Spec.Name);
  // Polled, not once: a task's container may still be starting when the build fails.
  const engine = new LocalEngine();
  const deadline = Date.now() + timeoutMs();
  for (;;) {
    const left = new Set((await client.stack(stackName)).tasks.filter((t) => ids.has(t.ServiceID) || tasks.has(t.ID)).map((t) => t.ID));
    if (!left.size) return;
    if (Date.now() > deadline) throw new CliError(`timed out waiting for services ${createdEarly.join(', ')} to stop`);
    const local = await engine.containersOf(left);
    await Promise.all([...local.values()].map((id) => engine.stop(id, 0).catch(() => undefined)));
    await new Promise((r) => setTimeout(r, 100));
  }
}
