import type { StackDeployRequest } from '@flotilla/contracts';
import { toStack, type ComposeProject, type ToStackOptions } from '@flotilla/compose';

/**
 * The stack every compose verb deploys. One function, so `up`, `scale`,
 * `create` and `run` ask for the same specs (a difference would roll every
 * task), and with 1.29's default: a container without `restart:` stays down
 * once it exits, where a Swarm stack's would be replaced.
 */
export function composeStack(project: ComposeProject, opts: Omit<ToStackOptions, 'defaultRestart'> = {}): StackDeployRequest {
  return toStack(project, { ...opts, defaultRestart: 'none' });
}
