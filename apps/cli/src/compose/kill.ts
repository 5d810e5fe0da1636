import { Command } from 'commander';
import { connect } from '../client/local-cluster';
import { nodeEngine } from '../client/node-engine';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { taskContainers } from './task-containers';
import { eachContainer } from './each-container';

export function killCommand(): Command {
  const cmd = new Command('kill')
    .description('Force stop service containers.')
    .usage('[options] [--] [SERVICE...]')
    .argument('[SERVICE...]')
    .option('-s <SIGNAL>', 'SIGNAL to send to the container. Default signal is SIGKILL.', 'SIGKILL');
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const o = cmd.opts<{ s: string }>();
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    const { client } = await connect({ autostart: false });
    const containers = taskContainers(await client.stack(project.name), project.name, { services, running: true });
    // A service without `restart:` keeps its killed container down, as 1.29 (see compose-stack.ts).
    await eachContainer('Killing', containers, (c) => nodeEngine(client.baseUrl, c.nodeId).getContainer(c.containerId).kill({ signal: o.s }));
  });
  return cmd;
}
