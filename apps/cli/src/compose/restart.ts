import { Command } from 'commander';
import type { Service } from '@flotilla/contracts';
import type { ApiClient } from '../client/api-client';
import { connect } from '../client/local-cluster';
import { nodeEngine } from '../client/node-engine';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { taskContainers } from './task-containers';
import { eachContainer } from './each-container';
import { composeService } from './task-view';
import { endedTasks, forcedSpec, rewrite, servicesByName } from './verbs/project-services';
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
    // A container that ended belongs to a task that ended: the engine could run it again, but the task
    // would stay ended. Such a service gets fresh tasks instead (all its containers restart, as asked).
    const replaced = new Map<string, Promise<void>>();
    for (const [name, s] of servicesByName(state, services)) {
      if (!endedTasks(state, s).length) continue;
      const p = replaceTasks(client, project.name, s);
      p.catch(() => undefined); // awaited through its containers' lines below
      replaced.set(name, p);
    }
    await eachContainer('Restarting', containers, (c) => replaced.get(c.service) ?? nodeEngine(client.baseUrl, c.nodeId).getContainer(c.containerId).restart({ t }));
  });
  return cmd;
}

/** Every task of `s` replaced by a fresh one; resolves once they run. */
async function replaceTasks(client: ApiClient, project: string, s: Service): Promise<void> {
  await rewrite(client, s, forcedSpec);
  await waitConverged(client, project, new Set([composeService(s)]), `${composeService(s)} to restart`);
}
