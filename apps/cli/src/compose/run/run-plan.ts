import { serviceDependencies, type ComposeProject } from '@flotilla/compose';
import type { ServiceSpec, StackDeployRequest } from '@flotilla/contracts';
import type { StackState } from '../../client/api-client';
import { composeService } from '../task-view';
import { isStopped } from '../verbs/project-services';

const composeName = (s: ServiceSpec) => s.Labels?.['com.docker.compose.service'] ?? s.Name;

/** Every service `service` needs, transitively (1.29's run starts them all unless --no-deps). */
export function runDependencies(project: Pick<ComposeProject, 'services'>, service: string): string[] {
  const out = new Set<string>();
  const visit = (n: string) => {
    for (const d of serviceDependencies(project.services[n])) {
      if (!project.services[d] || out.has(d) || d === service) continue;
      out.add(d);
      visit(d);
    }
  };
  visit(service);
  return [...out];
}

/**
 * What `run` deploys before its one-off, as 1.29's run does `up` on the dependencies first: the
 * dependencies not deployed (or stopped) as the file says, and the service itself, when not
 * deployed, at 0 replicas (the one-off takes its spec and networks; no task of its own runs,
 * as 1.29 starts no `_1` container for it). `undefined` when everything is there already.
 */
export function runDeployment(stack: StackDeployRequest, state: StackState, service: string, deps: string[]): { request: StackDeployRequest; started: string[] } | undefined {
  const have = new Map(state.services.map((s) => [composeService(s), s]));
  const started = deps.filter((d) => !have.has(d) || isStopped(have.get(d)!));
  const self = have.has(service) ? [] : [service];
  if (!started.length && !self.length) return undefined;
  const services = stack.services
    .filter((s) => started.includes(composeName(s)) || self.includes(composeName(s)))
    .map((s): ServiceSpec => (composeName(s) === service ? { ...s, Mode: { Replicated: { Replicas: 0 } } } : s));
  return { request: { ...stack, services, prune: false }, started };
}
