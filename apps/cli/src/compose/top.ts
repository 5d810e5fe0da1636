import { Command } from 'commander';
import { connect } from '../client/local-cluster';
import { engineError, nodeEngine } from '../client/node-engine';
import { composeTable } from '../format/table';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { taskContainers } from './task-containers';

/** 1.29's `top` for one container: its name, then the processes as a compose table. */
export function renderTop(name: string, top: { Titles?: string[]; Processes?: string[][] }): string {
  return `${name}\n${composeTable(top.Titles ?? [], top.Processes ?? [])}`;
}

export function topCommand(): Command {
  const cmd = new Command('top').description('Display the running processes').usage('[SERVICE...]').argument('[SERVICE...]');
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    const { client } = await connect({ autostart: false });
    const containers = taskContainers(await client.stack(project.name), project.name, { services, running: true });
    // Asked in parallel (containers may sit on several nodes), printed in name order.
    const tops = await Promise.all(
      containers.map((c) =>
        nodeEngine(client.baseUrl, c.nodeId)
          .getContainer(c.containerId)
          .top()
          .catch((e: unknown) => {
            throw engineError(e);
          }),
      ),
    );
    process.stdout.write(containers.map((c, i) => renderTop(c.name, tops[i] as { Titles?: string[]; Processes?: string[][] })).join('\n'));
  });
  return cmd;
}
