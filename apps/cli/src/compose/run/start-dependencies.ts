import type { ComposeProject } from '@flotilla/compose';
import { composeStack } from '../compose-stack';
import { dependencyVerdict } from '@flotilla/scheduling';
import type { ApiClient, StackState } from '../../client/api-client';
import { buildImages } from '../build/build-images';
import { builtImageIds } from '../built-image-ids';
import { composeService, convergence, dependencyFailure } from '../task-view';
import { timeoutMs, waitFor } from '../wait';
import { resourceLines, upSteps, UpProgress } from '../up/up-progress';
import { runDependencies, runDeployment } from './run-plan';

/**
 * 1.29's `run` on a project that is not (all) up: the service's dependencies are brought up first
 * (not with --no-deps), with `up`'s lines, and the one-off waits until their conditions hold
 * (`service_healthy`: healthy), failing as `up` does when one cannot be met. Returns the stack
 * as it then stands.
 */
export async function startDependencies(client: ApiClient, project: ComposeProject, service: string, withDeps: boolean): Promise<StackState> {
  const before = await client.stack(project.name);
  const deps = withDeps ? runDependencies(project, service) : [];
  const wanted = runDeployment(composeStack(project), before, service, deps);
  if (!wanted) return before;
  const names = wanted.request.services.map((s) => s.Labels?.['com.docker.compose.service'] ?? s.Name);
  await buildImages(project, names, { policy: 'missing' });
  // The same services, now with their built images' IDs, as `up` deploys them (see builtImageIds).
  const plan = runDeployment(composeStack(project, { imageIds: await builtImageIds(project) }), before, service, deps) ?? wanted;
  const result = await client.deployStack(project.name, plan.request);
  for (const l of resourceLines(project, plan.request, before)) process.stderr.write(`${l}\n`);
  const progress = new UpProgress(
    upSteps(project, plan.request, result, before.services).filter((s) => s.service !== service),
    !!process.stderr.isTTY,
  );
  const started = new Set(plan.started);
  return waitFor(
    client,
    project.name,
    (s) => {
      process.stderr.write(progress.next(s));
      const failed = withDeps ? dependencyFailure(s, new Set([service])) : undefined;
      if (failed) return { done: false, fail: failed };
      return { done: convergence(s, started).done && (!withDeps || dependenciesMet(s, service)) };
    },
    timeoutMs(),
    `the dependencies of ${service} to start`,
  );
}

/** The service's depends_on conditions all hold (the same verdict the manager's scheduler uses). */
function dependenciesMet(state: StackState, service: string): boolean {
  const svc = state.services.find((s) => composeService(s) === service);
  if (!svc) return true;
  const byName = new Map(state.services.map((s) => [s.Spec.Name, s]));
  return dependencyVerdict(svc, (n) => byName.get(n), (id) => state.tasks.filter((t) => t.ServiceID === id)).kind === 'open';
}
