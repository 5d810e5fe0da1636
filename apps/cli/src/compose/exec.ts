import { Command, Option } from 'commander';
import { connect } from '../client/local-cluster';
import { engineError, nodeEngine } from '../client/node-engine';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { containerAt } from './task-containers';
import { attachStdio } from './stdio';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function execCommand(): Command {
  const cmd = new Command('exec')
    .description('Execute a command in a running container')
    .usage('[options] [-e KEY=VAL...] [--] SERVICE COMMAND [ARGS...]')
    .argument('<SERVICE>')
    .argument('<COMMAND>')
    .argument('[ARGS...]')
    .option('-d, --detach', 'Detached mode: Run command in the background.')
    .option('--privileged', 'Give extended privileges to the process.')
    .option('-u, --user <USER>', 'Run the command as this user.')
    .option('-T', 'Disable pseudo-tty allocation. By default `docker-compose exec` allocates a TTY.')
    .addOption(new Option('--index <index>', 'index of the container if there are multiple instances of a service').default('1'))
    .addOption(new Option('-e, --env <KEY=VAL>', 'Set environment variables (can be used multiple times)').argParser(collect))
    .option('-w, --workdir <DIR>', 'Path to workdir directory for this command.')
    .passThroughOptions();
  addProjectOptions(cmd);
  cmd.action(async (service: string, command: string, args: string[]) => {
    const o = cmd.opts<{ detach?: boolean; privileged?: boolean; user?: string; T?: boolean; index: string; env?: string[]; workdir?: string }>();
    const index = Number(o.index);
    if (!Number.isInteger(index) || index < 1) throw new CliError(`invalid literal for int() with base 10: '${o.index}'`);
    if (o.privileged) throw new CliError('exec --privileged is not available on a flotilla cluster: no container is privileged');
    const project = load(projectOptions(cmd));
    checkServices(project, [service]);
    const { client } = await connect({ autostart: false });
    const target = containerAt(await client.stack(project.name), project.name, service, index);
    const engine = nodeEngine(client.baseUrl, target.nodeId);
    // A TTY when asked (no -T) and stdin is one: piped input stays byte-exact.
    const tty = !o.T && !o.detach && !!process.stdin.isTTY;
    try {
      const exec = await engine.getContainer(target.containerId).exec({
        Cmd: [command, ...args],
        AttachStdin: !o.detach,
        AttachStdout: !o.detach,
        AttachStderr: !o.detach,
        Tty: tty,
        ...(o.user ? { User: o.user } : {}),
        ...(o.workdir ? { WorkingDir: o.workdir } : {}),
        ...(o.env?.length ? { Env: o.env } : {}),
      });
      if (o.detach) {
        await exec.start({ Detach: true, Tty: tty });
        return;
      }
      const stream = await exec.start({ hijack: true, stdin: true, Tty: tty });
      await attachStdio(engine, stream, tty, (size) => void exec.resize(size).catch(() => undefined));
      const info = await exec.inspect();
      process.exitCode = info.ExitCode ?? 0;
    } catch (e) {
      throw engineError(e);
    }
  });
  return cmd;
}
