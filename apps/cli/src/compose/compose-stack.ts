import type { StackDeployRequest } from '@flotilla/contracts';
import { toStack, type ComposeProject, type ToStackOptions } from '@flotilla/compose';

/**
 * The stack every compose verb deploys. One function, so `up`, `scale`,
 * `create` and `run` ask for the same specs (a difference would roll every
 * task), and with 1.29's readings: a container without `restart:` stays down
 * once it exits, where a Swarm stack's would be replaced; a host range onto
 * one port gives each container one free port of it, where a stack publishes them all; `container_name`
 * names the container, where a stack ignores it.
 */
export function composeStack(project: ComposeProject, opts: Omit<ToStackOptions, 'defaultRestart' | 'hostRanges' | 'containerNames'> = {}): StackDeployRequest {
  return toStack(project, { ...opts, defaultRestart: 'none', hostRanges: 'per-container', containerNames: true });
}
