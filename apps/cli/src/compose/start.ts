import { Command } from 'commander';
import { connect } from '../client/local-cluster';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { waitConverged } from './wait';
import { endedTasks, isStopped, rewrite, servicesByName, startEndedTasks } from './verbs/project-services';
import { startedSpec } from './verbs/stopped';
import { progressLines } from './verbs/verb-format';

/** `compose start [SERVICE...]`: stopped services get their remembered replica count back. */
export function startCommand(): Command {
  const cmd = new Command('start').description('Start existing containers').argument('[SERVICE...]');
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    const { client } = await connect({ autostart: false });
    const state = await client.stack(project.name);
    const targets = servicesByName(state, services);
    // 1.29 names services, not containers, here; running ones count as started.
    if (targets.size === 0) throw new CliError('No containers to start');
    const lines = progressLines('Starting', [...targets.keys()], 'done', !!process.stderr.isTTY);
    process.stderr.write(lines.start);
    for (const s of targets.values()) {
      if (isStopped(s)) await rewrite(client, s, startedSpec);
      // Killed or exited on its own (no restart policy brings it back): each stopped container started
      // again in place, as 1.29 does; running ones are left be.
      else {
        const ended = endedTasks(state, s);
        if (ended.length) await startEndedTasks(client, state, ended.map((t) => t.ID));
      }
    }
    await waitConverged(client, project.name, new Set(targets.keys()), `project ${project.name} to start`);
    process.stderr.write(lines.end);
  });
  return cmd;
}
