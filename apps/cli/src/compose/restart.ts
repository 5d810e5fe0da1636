import { Command } from 'commander';
import type { Service } from '@flotilla/contracts';
import type { ApiClient } from '../client/api-client';
import { connect } from '../client/local-cluster';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { taskContainers } from './task-containers';
import { eachContainer } from './each-container';
import { composeService } from './task-view';
import { forcedSpec, rewrite, servicesByName } from './verbs/project-services';
import { waitConverged } from './wait';

export function restartCommand(): Command {
  const cmd = new Command('restart')
    .description('Restart running containers.')
    .usage('[options] [--] [SERVICE...]')
    .argument('[SERVICE...]')
    .option('-t, --timeout <TIMEOUT>', 'Specify a shutdown timeout in seconds.', '10');
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const o = cmd.opts<{ timeout: string }>();
    const t = Number(o.timeout);
    if (!Number.isInteger(t) || t < 0) throw new CliError(`invalid literal for int() with base 10: '${o.timeout}'`);
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    const { client } = await connect({ autostart: false });
    const state = await client.stack(project.name);
    // The current task's container, whatever its state: 1.29 restarts stopped ones too.
    const containers = taskContainers(state, project.name, { services });
    if (!containers.length) throw new CliError('No containers to restart');
    // A restart is fresh tasks (ForceUpdate+1, as `service update --force`): the engine could restart a
    // container in place, but a worker that looks while it is down reports its task ended, and an ended
    // task never runs again (seen: `ps` said Exit 0 under a running container). Each service once; the
    // old tasks stop within their stop_grace_period (`-t` is checked, not used).
    const replaced = new Map<string, Promise<void>>();
    const named = new Set(containers.map((c) => c.service));
    for (const [name, s] of servicesByName(state, services)) {
      if (!named.has(name)) continue;
      const p = replaceTasks(client, project.name, s);
      p.catch(() => undefined); // awaited through its containers' lines below
      replaced.set(name, p);
    }
    await eachContainer('Restarting', containers, (c) => replaced.get(c.service) ?? Promise.resolve());
  });
  return cmd;
}

/** Every task of `s` replaced by a fresh one; resolves once they run. */
async function replaceTasks(client: ApiClient, project: string, s: Service): Promise<void> {
  await rewrite(client, s, forcedSpec);
  await waitConverged(client, project, new Set([composeService(s)]), `${composeService(s)} to restart`);
}
