import { Command } from 'commander';
import type { LogFrame } from '@flotilla/contracts';
import { connect } from '../client/local-cluster';
import type { ApiClient, StackState } from '../client/api-client';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { composeService } from './task-view';
import { CliError } from '../errors';
import { logPrefixWidth, validTail } from './verbs/log-prefix';
import { attachedNames } from './verbs/attached-names';

export function logsCommand(): Command {
  const cmd = new Command('logs')
    .description('View output from containers')
    .argument('[SERVICE...]')
    .option('-f, --follow', 'follow log output')
    .option('-t, --timestamps', 'show timestamps')
    .option('--tail <N>', 'number of lines to show from the end of the logs for each container', 'all')
    .option('--no-color', 'produce monochrome output')
    .option('--no-log-prefix', "don't print prefix in logs");
  addProjectOptions(cmd, { shortFile: false });
  cmd.action(async (services: string[]) => {
    const o = cmd.opts<{ follow?: boolean; timestamps?: boolean; tail: string; color: boolean; logPrefix: boolean }>();
    if (!validTail(o.tail)) throw new CliError('tail flag must be all or a number');
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    const { client } = await connect({ autostart: false });
    const state = await client.stack(project.name);
    process.stdout.write(`Attaching to ${attachedNames(state, project.name, services).join(', ')}\n`);
    const ac = new AbortController();
    process.once('SIGINT', () => ac.abort());
    await followLogs(
      client,
      project.name,
      { follow: !!o.follow, timestamps: !!o.timestamps, tail: o.tail, services, color: o.color && process.stdout.isTTY, prefix: o.logPrefix },
      ac.signal,
      state,
    );
  });
  return cmd;
}

const COLORS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

/** Prints frames as docker-compose does: `name_1  | line`, one colour per container. */
export async function followLogs(
  client: ApiClient,
  project: string,
  o: { follow: boolean; timestamps: boolean; tail?: string; services: string[]; color?: boolean; prefix?: boolean },
  signal: AbortSignal,
  known?: StackState,
) {
  const state = known ?? (await client.stack(project));
  const names = new Map<string, string>();
  for (const t of state.tasks) {
    const svc = state.services.find((s) => s.ID === t.ServiceID);
    const service = svc ? composeService(svc) : (t.ServiceName ?? t.ServiceID);
    // docker-compose 1.29 prefixes lines with SERVICE_N, or the container_name.
    names.set(t.ID, t.Spec.ContainerSpec.ContainerName || `${service}_${t.Slot || t.NodeID?.slice(0, 12)}`);
  }
  const width = logPrefixWidth(state.services.map(composeService), [...names.values()]);
  const colorOf = new Map<string, number>();
  const print = (f: LogFrame) => {
    if (f.t === 'error') {
      process.stderr.write(`WARNING: ${f.message}\n`);
      return;
    }
    if (f.t !== 'line') return;
    if (o.prefix === false) {
      process.stdout.write(f.line + '\n');
      return;
    }
    const name = names.get(f.taskId) ?? f.taskId.slice(0, 12);
    let prefix = `${name.padEnd(width)} |`;
    if (o.color) {
      if (!colorOf.has(name)) colorOf.set(name, COLORS[colorOf.size % COLORS.length]);
      prefix = `\x1b[${colorOf.get(name)}m${prefix}\x1b[0m`;
    }
    prefix += ' ';
    process.stdout.write(prefix + f.line + '\n');
  };
  const services = o.services.length ? o.services : [undefined];
  await Promise.all(
    services.map((service) =>
      client.logs(project, { service, follow: o.follow, tail: o.tail, timestamps: o.timestamps }, print, signal),
    ),
  );
}
