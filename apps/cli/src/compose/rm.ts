import { Command } from 'commander';
import { createInterface } from 'node:readline';
import { connect } from '../client/local-cluster';
import { DockerApi } from '../client/docker-api';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { timeoutMs, waitFor } from './wait';
import { stopServices } from './stop';
import { isStopped, servicesByName } from './verbs/project-services';
import { containerName } from './container-name';
import { stoppedReplicas } from './verbs/stopped';
import { progressLines } from './verbs/verb-format';

/** `compose rm [-f] [-s] [-v] [SERVICE...]`: removes the stopped services (their remembered containers). */
export function rmCommand(): Command {
  const cmd = new Command('rm')
    .description('Removes stopped service containers')
    .argument('[SERVICE...]')
    .option('-f, --force', "don't ask to confirm removal")
    .option('-s, --stop', 'stop the containers, if required, before removing')
    .option('-v', 'remove any anonymous volumes attached to containers (a task container takes its anonymous volumes with it)')
    .option('-a, --all', 'deprecated - no effect');
  // `rm -f` means --force, as in docker-compose: there only `--file` names a file.
  addProjectOptions(cmd, { shortFile: false });
  cmd.action(async (services: string[]) => {
    const o = cmd.opts<{ force?: boolean; stop?: boolean; all?: boolean }>();
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    if (o.all) process.stderr.write('--all flag is obsolete. This is now the default behavior of `docker-compose rm`\n');
    const { client } = await connect({ autostart: false });
    if (o.stop) await stopServices(client, project.name, services);
    const state = await client.stack(project.name);
    const stopped = [...servicesByName(state, services)].filter(([, s]) => isStopped(s));
    const names = stopped.flatMap(([n, s]) => Array.from({ length: stoppedReplicas(s) ?? 0 }, (_, i) => containerName(project.name, n, i + 1, s.Spec.TaskTemplate.ContainerSpec.ContainerName)));
    if (names.length === 0) {
      process.stdout.write('No stopped containers\n');
      return;
    }
    process.stdout.write(`Going to remove ${names.join(', ')}\n`);
    if (!o.force && !(await confirm('Are you sure? [yN] '))) return;
    const lines = progressLines('Removing', names, 'done', !!process.stderr.isTTY);
    process.stderr.write(lines.start);
    const api = new DockerApi(client.baseUrl);
    for (const [, s] of stopped) await api.removeService(s.ID);
    const ids = new Set(stopped.map(([, s]) => s.ID));
    await waitFor(client, project.name, (st) => ({ done: !st.services.some((s) => ids.has(s.ID)) }), timeoutMs(), `project ${project.name} to remove`);
    process.stderr.write(lines.end);
  });
  return cmd;
}

/** 1.29's yesno: only y/yes answers yes; end of input is no. */
async function confirm(question: string): Promise<boolean> {
  process.stdout.write(question);
  const rl = createInterface({ input: process.stdin });
  const answer = await new Promise<string>((res) => {
    rl.once('line', res);
    rl.once('close', () => res(''));
  });
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}
