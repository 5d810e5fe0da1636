import { Command, Option } from 'commander';
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { connect } from '../client/local-cluster';
import { DockerApi } from '../client/docker-api';
import { engineError, nodeEngine } from '../client/node-engine';
import { CliError } from '../errors';
import { checkServices, load, projectOptions } from './project-options';
import { composeService } from './task-view';
import { newSlug, oneOffBody, oneOffNode } from './one-off';
import { attachStdio } from './stdio';
import { startDependencies } from './run/start-dependencies';
import { ParallelLines } from './verbs/parallel-lines';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function runCommand(): Command {
  const cmd = new Command('run')
    .description('Run a one-off command on a service.')
    .usage('[options] [-e KEY=VAL...] [--] SERVICE [COMMAND] [ARGS...]')
    .argument('<SERVICE>')
    .argument('[COMMAND]')
    .argument('[ARGS...]')
    .option('--rm', 'Remove container after run.')
    .option('-T', 'Disable pseudo-tty allocation. By default `docker-compose run` allocates a TTY.')
    .addOption(new Option('-e <KEY=VAL>', 'Set an environment variable (can be used multiple times)').argParser(collect))
    .option('--no-deps', "Don't start linked services.")
    .option('--entrypoint <CMD>', 'Override the entrypoint of the image.')
    .option('-u, --user <USER>', 'Run as specified username or uid')
    .option('-w, --workdir <DIR>', 'Working directory inside the container')
    .option('-p, --service-ports', "Run command with the service's ports enabled and mapped to the host.")
    .passThroughOptions();
  // No project options after `run`: its -p is --service-ports, as in 1.29 (they go before the verb).
  cmd.action(async (service: string, command: string | undefined, args: string[]) => {
    const o = cmd.opts<{ rm?: boolean; T?: boolean; e?: string[]; deps: boolean; entrypoint?: string; user?: string; workdir?: string; servicePorts?: boolean }>();
    const project = load(projectOptions(cmd));
    checkServices(project, [service]);
    const { client } = await connect({ autostart: true });
    // The one-off joins the deployed stack (its networks, its dependencies running), brought up first as 1.29 does.
    const state = await startDependencies(client, project, service, o.deps);
    const svc = state.services.find((s) => composeService(s) === service);
    if (!svc) throw new CliError(`service ${service} of project ${project.name} is not deployed`);
    const tty = !o.T && !!process.stdin.isTTY;
    const body = oneOffBody(state, project.name, svc, {
      command: command === undefined ? [] : [command, ...args],
      env: o.e ?? [],
      entrypoint: o.entrypoint,
      user: o.user,
      workdir: o.workdir,
      servicePorts: !!o.servicePorts,
      tty,
      slug: newSlug(),
    });
    const nodeId = oneOffNode(state, svc, (await new DockerApi(client.baseUrl).info()).Swarm.NodeID);
    const engine = nodeEngine(client.baseUrl, nodeId);
    const shown = `${project.name}_${service}_run`;
    // 1.29's parallel writer: CR LF ended, rewritten in place on a terminal.
    const lines = new ParallelLines(!!process.stderr.isTTY);
    lines.add('Creating', [shown]);
    process.stderr.write(lines.initial('Creating', [shown]));
    let container: Docker.Container;
    try {
      container = await engine.createContainer(body as Docker.ContainerCreateOptions);
    } catch (e) {
      process.stderr.write(lines.status('Creating', shown, 'error'));
      throw engineError(e);
    }
    process.stderr.write(lines.status('Creating', shown, 'done'));
    let code: number;
    try {
      // Attached before it starts, so no output is lost.
      const c = container;
      const stream = await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
      await container.start();
      await attachStdio(engine, stream as unknown as Duplex, tty, (size) => void c.resize(size).catch(() => undefined));
      code = ((await container.wait()) as { StatusCode: number }).StatusCode;
    } catch (e) {
      throw engineError(e);
    } finally {
      if (o.rm) await container.remove({ force: true, v: true }).catch(() => undefined);
    }
    // As 1.29 (through `docker start --attach`), a failed command's status is also printed.
    if (code !== 0) process.stderr.write(`${code}\n`);
    process.exitCode = code;
  });
  return cmd;
}
