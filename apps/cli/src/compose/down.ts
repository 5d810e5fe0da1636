import { Command } from 'commander';
import { connect } from '../client/local-cluster';
import type { ApiClient } from '../client/api-client';
import { CliError } from '../errors';
import { addProjectOptions, load, projectOptions } from './project-options';
import { timeoutMs, waitFor } from './wait';
import { imagesToRemove, parseRmi } from './down/images-to-remove';
import { parseTimeout } from './up/up-options';
import { LocalEngine } from './engine.adapter';
import { nodeEngine } from '../client/node-engine';
import { ParallelLines } from './verbs/parallel-lines';
import { downContainers } from './down/down-containers';
import { composeWarning } from './console-log';

export function downCommand(): Command {
  const cmd = new Command('down')
    .description('Stop and remove containers and networks (and named volumes with -v)')
    .option('--rmi <type>', "remove images: 'all' used by any service, 'local' only those without a custom image: tag")
    .option('-v, --volumes', 'remove named volumes declared in the volumes section')
    .option('--remove-orphans', 'remove services of the project that are not in the compose file (down always removes every one)')
    .option('-t, --timeout <TIMEOUT>', 'shutdown timeout in seconds (default: the service\'s stop_grace_period)');
  addProjectOptions(cmd);
  cmd.action(async () => {
    const opts = cmd.opts<{ volumes?: boolean; rmi?: string; timeout?: string }>();
    // Flags first, as 1.29: a bad --rmi or -t stops before anything is removed.
    const rmi = parseRmi(opts.rmi);
    const timeout = parseTimeout(opts.timeout);
    const project = load(projectOptions(cmd));
    const { client } = await connect({ autostart: false });
    const engine = new LocalEngine();
    await removeProject(client, project.name, { volumes: !!opts.volumes, quiet: false, timeout });
    for (const image of imagesToRemove(project, rmi)) {
      process.stderr.write(`Removing image ${image}\n`);
      let removed: boolean;
      try {
        removed = await engine.removeImage(image);
      } catch (e) {
        throw new CliError((e as { json?: { message?: string } }).json?.message ?? (e as Error).message);
      }
      if (!removed) composeWarning(`Image ${image} not found.`);
    }
  });
  return cmd;
}

/**
 * Removes the stack and waits until its containers are gone from every node, with 1.29's lines:
 * `Stopping` each running container, `Removing` each container (those of stopped services too),
 * then the networks and volumes. With `timeout`, every running container is first stopped with it
 * (`docker stop -t`) on whichever node runs it, through the manager's relay.
 */
export async function removeProject(client: ApiClient, project: string, o: { volumes: boolean; quiet: boolean; timeout?: number }) {
  const before = await client.stack(project);
  const { running, all } = downContainers(before, project);
  const lines = new ParallelLines(!!process.stderr.isTTY);
  const say = (text: string) => {
    if (!o.quiet) process.stderr.write(text);
  };
  lines.add('Stopping', running.map((c) => c.name));
  say(lines.initial('Stopping', running.map((c) => c.name)));
  if (o.timeout !== undefined) {
    // A container already gone (its task replaced meanwhile) needs no stop: removal follows anyway.
    await Promise.all(running.map((c) => nodeEngine(client.baseUrl, c.nodeId).getContainer(c.containerId).stop({ t: o.timeout }).catch(() => undefined)));
  }
  await client.removeStack(project, o.volumes);
  await waitFor(client, project, (s) => ({ done: s.tasks.length === 0 }), timeoutMs(), `project ${project} to stop`);
  say(running.map((c) => lines.status('Stopping', c.name, 'done')).join(''));
  lines.add('Removing', all);
  say(lines.initial('Removing', all));
  say(all.map((n) => lines.status('Removing', n, 'done')).join(''));
  for (const n of before.networks) say(`Removing network ${n.Spec.Name}\n`);
  if (o.volumes) for (const v of before.volumes) say(`Removing volume ${v.Spec.Name}\n`);
}
