import { Command } from 'commander';
import { connect } from '../client/local-cluster';
import type { ApiClient } from '../client/api-client';
import { addProjectOptions, load, projectOptions } from './project-options';
import { timeoutMs, waitFor } from './wait';

export function downCommand(): Command {
  const cmd = new Command('down')
    .description('Stop and remove containers and networks (and named volumes with -v)')
    .option('-v, --volumes', 'remove named volumes declared in the volumes section')
    .option('--remove-orphans', 'accepted for compatibility; down always removes every service of the project');
  addProjectOptions(cmd);
  cmd.action(async () => {
    const opts = cmd.opts<{ volumes?: boolean }>();
    const project = load(projectOptions(cmd));
    const { client } = await connect({ autostart: false });
    await removeProject(client, project.name, { volumes: !!opts.volumes, quiet: false });
  });
  return cmd;
}

/** Removes the stack and waits until its containers are gone from every node. */
export async function removeProject(client: ApiClient, project: string, o: { volumes: boolean; quiet: boolean }) {
  const before = await client.stack(project);
  const { removed } = await client.removeStack(project, o.volumes);
  if (!o.quiet) for (const n of removed) process.stderr.write(`Removing ${n} ... \n`);
  await waitFor(client, project, (s) => ({ done: s.tasks.length === 0 }), timeoutMs(), `project ${project} to stop`);
  if (!o.quiet) {
    for (const n of removed) process.stderr.write(`Removed ${n} ... done\n`);
    for (const n of before.networks) process.stderr.write(`Removing network ${n.Spec.Name}\n`);
    if (o.volumes) for (const v of before.volumes) process.stderr.write(`Removing volume ${v.Spec.Name}\n`);
  }
}
