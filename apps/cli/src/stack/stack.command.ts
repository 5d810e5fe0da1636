import { Command } from 'commander';
import { LABEL } from '@flotilla/contracts';
import { connect } from '../client/local-cluster';
import { DockerApi } from '../client/docker-api';
import { dockerTable } from '../format/table';
import { serviceTable, taskTable } from '../format/swarm-format';
import { load } from '../compose/project-options';
import { toStack } from '@flotilla/compose';
import { CliError } from '../errors';
import { progressWriter } from '../progress/progress-writer';
import { watchService } from '../progress/watch-service';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `flotilla stack deploy|ls|ps|services|rm`: a stack is the objects labelled com.docker.stack.namespace. */
export function stackCommand(): Command {
  const stack = new Command('stack').description('Manage stacks');

  const deploy = new Command('deploy')
    .alias('up')
    .argument('<STACK>')
    .requiredOption('-c, --compose-file <FILE>', 'path to a compose file (repeatable)', collect)
    .option('--prune', 'prune services that are no longer referenced')
    .option('-d, --detach [BOOL]', 'exit immediately instead of waiting for the stack services to converge (--detach=false waits)', true)
    .option('-q, --quiet', 'suppress progress output')
    .description('Deploy a new stack or update an existing stack')
    .action(async (name: string) => {
      const o = deploy.opts<{ composeFile: string[]; prune?: boolean; detach: boolean | string; quiet?: boolean }>();
      // The same reader as `compose up`, under the stack's name; a bad file stops here.
      const project = load({ file: o.composeFile, projectName: name });
      const { client } = await connect({ autostart: false });
      const result = await client.deployStack(name, { ...toStack(project), prune: !!o.prune });
      for (const n of result.created) process.stdout.write(`Creating service ${n}\n`);
      for (const n of result.updated) process.stdout.write(`Updating service ${n}\n`);
      for (const n of result.removed) process.stdout.write(`Removing service ${n}\n`);
      if (String(o.detach) !== 'false') return;
      // As docker's --detach=false: each service in turn, named by its id.
      const api = new DockerApi(client.baseUrl);
      for (const n of [...result.created, ...result.updated]) {
        const s = await api.service(n);
        await watchService(api, s.ID, { writer: progressWriter(!!o.quiet), ref: s.ID, upToDate: true });
      }
    });

  const ls = new Command('ls')
    .alias('list')
    .description('List stacks')
    .action(async () => {
      const api = await api_();
      const counts = new Map<string, number>();
      for (const s of await api.services({ label: [LABEL.stackNamespace] })) {
        const ns = s.Spec.Labels?.[LABEL.stackNamespace];
        if (ns) counts.set(ns, (counts.get(ns) ?? 0) + 1);
      }
      process.stdout.write(dockerTable(['NAME', 'SERVICES'], [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([n, c]) => [n, String(c)])));
    });

  const services = new Command('services')
    .argument('<STACK>')
    .option('-q, --quiet', 'only display IDs')
    .description('List the services in the stack')
    .action(async (name: string) => {
      const api = await api_();
      const list = await api.services({ label: [`${LABEL.stackNamespace}=${name}`] }, true);
      if (list.length === 0) throw new CliError(`Nothing found in stack: ${name}`);
      process.stdout.write(serviceTable(list, services.opts()));
    });

  const ps = new Command('ps')
    .argument('<STACK>')
    .option('-q, --quiet', 'only display task IDs')
    .option('--no-trunc', 'do not truncate output')
    .description('List the tasks in the stack')
    .action(async (name: string) => {
      const o = ps.opts<{ quiet?: boolean; trunc: boolean }>();
      const api = await api_();
      const svcs = await api.services({ label: [`${LABEL.stackNamespace}=${name}`] });
      if (svcs.length === 0) throw new CliError(`nothing found in stack: ${name}`);
      const tasks = (await Promise.all(svcs.map((s) => api.tasks({ service: [s.ID] })))).flat();
      const nodes = new Map((await api.nodes()).map((n) => [n.ID, n]));
      process.stdout.write(taskTable(tasks, new Map(svcs.map((s) => [s.ID, s])), nodes, Date.now(), { quiet: o.quiet, noTrunc: !o.trunc }));
    });

  const rm = new Command('rm')
    .alias('remove')
    .alias('down')
    .argument('<STACK...>')
    .description('Remove one or more stacks')
    .action(async (names: string[]) => {
      const { client } = await connect({ autostart: false });
      for (const name of names) {
        const before = await client.stack(name);
        if (before.services.length === 0 && before.networks.length === 0) {
          process.stderr.write(`Nothing found in stack: ${name}\n`);
          continue;
        }
        const { removed } = await client.removeStack(name, false);
        for (const n of removed) process.stdout.write(`Removing service ${n}\n`);
        for (const n of before.networks) process.stdout.write(`Removing network ${n.Spec.Name}\n`);
      }
    });

  for (const c of [deploy, ls, services, ps, rm]) stack.addCommand(c);
  return stack;
}

async function api_(): Promise<DockerApi> {
  const { client } = await connect({ autostart: false });
  return new DockerApi(client.baseUrl);
}
