import { Command } from 'commander';
import { connect } from '../client/local-cluster';
import type { ApiClient } from '../client/api-client';
import { CliError } from '../errors';
import { addProjectOptions, load, projectOptions } from './project-options';
import { timeoutMs, waitFor } from './wait';
import { imagesToRemove, parseRmi } from './down/images-to-remove';
import { parseTimeout } from './up/up-options';
import { LocalEngine } from './engine.adapter';

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
    await removeProject(client, project.name, { volumes: !!opts.volumes, quiet: false, timeout, engine });
    for (const image of imagesToRemove(project, rmi)) {
      process.stderr.write(`Removing image ${image}\n`);
      let removed: boolean;
      try {
        removed = await engine.removeImage(image);
      } catch (e) {
        throw new CliError((e as { json?: { message?: string } }).json?.message ?? (e as Error).message);
      }
      if (!removed) process.stderr.write(`WARNING: Image ${image} not found.\n`);
    }
  });
  return cmd;
}

/**
 * Removes the stack and waits until its containers are gone from every node. With `timeout`, this
 * node's containers are stopped with it (`docker stop -t`) while the cluster removes them.
 */
export async function removeProject(
  client: ApiClient,
  project: string,
  o: { volumes: boolean; quiet: boolean; timeout?: number; engine?: LocalEngine },
) {
  const before = await client.stack(project);
  const { removed } = await client.removeStack(project, o.volumes);
  if (!o.quiet) for (const n of removed) process.stderr.write(`Removing ${n} ... \n`);
  if (o.timeout !== undefined && o.engine) {
    const engine = o.engine;
    const local = await engine.containersOf(new Set(before.tasks.map((t) => t.ID)));
    await Promise.all([...local.values()].map((id) => engine.stop(id, o.timeout!)));
  }
  await waitFor(client, project, (s) => ({ done: s.tasks.length === 0 }), timeoutMs(), `project ${project} to stop`);
  if (!o.quiet) {
    for (const n of removed) process.stderr.write(`Removed ${n} ... done\n`);
    for (const n of before.networks) process.stderr.write(`Removing network ${n.Spec.Name}\n`);
    if (o.volumes) for (const v of before.volumes) process.stderr.write(`Removing volume ${v.Spec.Name}\n`);
  }
}
