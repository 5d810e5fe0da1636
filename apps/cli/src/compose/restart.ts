import { Command } from 'commander';
import { connect } from '../client/local-cluster';
import { nodeEngine } from '../client/node-engine';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { taskContainers } from './task-containers';
import { eachContainer } from './each-container';
import { composeService } from './task-view';
import { restartTimeout } from './verbs/restarted';
import { untilRunning } from './verbs/start-in-place';

export function restartCommand(): Command {
  const cmd = new Command('restart')
    .description('Restart running containers.')
    .usage('[options] [--] [SERVICE...]')
    .argument('[SERVICE...]')
    .option('-t, --timeout <TIMEOUT>', "Specify a shutdown timeout in seconds. (default: the service's stop_grace_period, else 10)");
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const o = cmd.opts<{ timeout?: string }>();
    const t = o.timeout === undefined ? undefined : Number(o.timeout);
    if (t !== undefined && (!Number.isInteger(t) || t < 0)) throw new CliError(`invalid literal for int() with base 10: '${o.timeout}'`);
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    const { client } = await connect({ autostart: false });
    const state = await client.stack(project.name);
    // The current task's container, whatever its state: 1.29 restarts stopped ones too.
    const containers = taskContainers(state, project.name, { services });
    if (!containers.length) throw new CliError('No containers to restart');
    const byName = new Map(state.services.map((s) => [composeService(s), s]));
    // Each container restarted in place, as 1.29 does (`POST /containers/{id}/restart?t=N`): same ID,
    // a stopped one started. Its node's worker knows (the relay told it), so the stop in between is not
    // its task's end, and a task that had ended with it runs again.
    await eachContainer('Restarting', containers, async (c) => {
      await nodeEngine(client.baseUrl, c.nodeId).getContainer(c.containerId).restart({ t: restartTimeout(t, byName.get(c.service)) });
      await untilRunning(client, project.name, c);
    });
  });
  return cmd;
}
