import { Command } from 'commander';
import { connect } from '../client/local-cluster';
import { nodeEngine } from '../client/node-engine';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { taskContainers } from './task-containers';
import { eachContainer } from './each-container';

/** `pause` and `unpause`: the same walk over the running containers, one engine call each. */
function pauseVerb(name: 'pause' | 'unpause'): Command {
  const cmd = new Command(name)
    .description(name === 'pause' ? 'Pause services.' : 'Unpause services.')
    .usage('[SERVICE...]')
    .argument('[SERVICE...]');
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    const { client } = await connect({ autostart: false });
    const containers = taskContainers(await client.stack(project.name), project.name, { services, running: true });
    if (!containers.length) throw new CliError(`No containers to ${name}`);
    // 1.29 pauses in reverse of its container order, unpauses in it.
    await eachContainer(name === 'pause' ? 'Pausing' : 'Unpausing', name === 'pause' ? [...containers].reverse() : containers, (c) => {
      const container = nodeEngine(client.baseUrl, c.nodeId).getContainer(c.containerId);
      return name === 'pause' ? container.pause() : container.unpause();
    });
  });
  return cmd;
}

export const pauseCommand = () => pauseVerb('pause');
export const unpauseCommand = () => pauseVerb('unpause');
