import { serviceNames, type ComposeProject } from '@flotilla/compose';
import type { Service } from '@flotilla/contracts';
import type { StackState } from '../../client/api-client';
import { CliError } from '../../errors';
import { composeService } from '../task-view';
import { command } from './ps-command';
import { isStopped, liveTasks } from './project-services';
import { containerName } from '../container-name';
import { stoppedReplicas } from './stopped';
import { filterServices, parseFilter, PsFilterError, type ServiceFacts } from './ps-filter';

/**
 * The rows 1.29 prints for a stopped service's containers. Their exit codes
 * are not kept once the tasks are gone, so they read `Exit 0`, as a container
 * that honoured its stop signal does.
 */
export function stoppedRows(state: StackState, project: string, keep: (service: string) => boolean): string[][] {
  return state.services
    .filter((s) => isStopped(s) && keep(composeService(s)))
    .flatMap((s) =>
      Array.from({ length: stoppedReplicas(s) ?? 0 }, (_, i) => [
        containerName(project, composeService(s), i + 1, s.Spec.TaskTemplate.ContainerSpec.ContainerName),
        command({ Spec: s.Spec.TaskTemplate, Status: { State: 'shutdown', Timestamp: '', Message: '' } }),
        'Exit 0',
        '',
      ]),
    );
}

/** `ps --services [--filter KEY=VAL]`: the file's services, one per line (1.29 prints an empty line for none). */
export function servicesList(project: ComposeProject, state: StackState, filterArg: string | undefined): string {
  const byName = new Map<string, Service>(state.services.map((s) => [composeService(s), s]));
  const facts: ServiceFacts[] = serviceNames(project).map((name) => {
    const def = project.services[name] as { image?: string; build?: unknown };
    const s = byName.get(name);
    const running = s ? liveTasks(state, s).length : 0;
    const stopped = s && isStopped(s) ? (stoppedReplicas(s) ?? 0) : 0;
    return { name, image: def.image !== undefined, build: def.build !== undefined, containers: [...Array(running).fill('running'), ...Array(stopped).fill('stopped')] };
  });
  try {
    return filterServices(facts, parseFilter(filterArg)).join('\n') + '\n';
  } catch (e) {
    if (e instanceof PsFilterError) throw new CliError(e.message);
    throw e;
  }
}
