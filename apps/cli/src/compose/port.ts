import { Command } from 'commander';
import { taskPorts } from '@flotilla/contracts';
import { connect } from '../client/local-cluster';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { liveTasks, servicesByName } from './verbs/project-services';
import { portAnswer } from './verbs/verb-format';

/**
 * `compose port [--protocol P] [--index N] SERVICE PRIVATE_PORT`: every
 * replica answers on the service's published port (routing mesh), so the
 * index only has to name a container that exists; a host range's port is
 * the one that container got (its task's PortStatus), as 1.29 answers.
 */
export function portCommand(): Command {
  const cmd = new Command('port')
    .description('Print the public port for a port binding')
    .argument('<SERVICE>')
    .argument('<PRIVATE_PORT>')
    .option('--protocol <proto>', 'tcp or udp', 'tcp')
    .option('--index <index>', 'index of the container if there are multiple instances of a service', '1');
  addProjectOptions(cmd);
  cmd.action(async (service: string, privatePort: string) => {
    const o = cmd.opts<{ protocol: string; index: string }>();
    const project = load(projectOptions(cmd));
    checkServices(project, [service]);
    const index = Number(o.index);
    if (!Number.isInteger(index)) throw new CliError(`invalid literal for int() with base 10: '${o.index}'`);
    const { client } = await connect({ autostart: false });
    const state = await client.stack(project.name);
    const s = servicesByName(state, [service]).get(service);
    const task = s && liveTasks(state, s).find((t) => t.Slot === index);
    if (!s || !task) throw new CliError(`No container found for ${service}_${index}`);
    const ports = taskPorts(s.Endpoint?.Ports ?? s.Endpoint?.Spec?.Ports ?? s.Spec.EndpointSpec?.Ports ?? [], task.Status.PortStatus?.Ports);
    process.stdout.write(portAnswer(ports, Number(privatePort), o.protocol) + '\n');
  });
  return cmd;
}
