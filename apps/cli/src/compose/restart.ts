import { Command } from 'commander';
import { connect } from '../client/local-cluster';
import { nodeEngine } from '../client/node-engine';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { taskContainers } from './task-containers';
import { eachContainer } from './each-container';

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
    // The current task's container, whatever its state: 1.29 restarts stopped ones too.
    const containers = taskContainers(await client.stack(project.name), project.name, { services });
    if (!containers.length) throw new CliError('No containers to restart');
    await eachContainer('Restarting', containers, (c) => nodeEngine(client.baseUrl, c.nodeId).getContainer(c.containerId).restart({ t }));
  });
  return cmd;
}
