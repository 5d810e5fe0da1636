import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultStateDir } from '@flotilla/contracts';
import { ApiClient, managerUrl } from './api-client';
import { CliError } from '../errors';
import { runningPid, startInBackground } from './background';

export interface Connection {
  client: ApiClient;
  started: boolean;
}

/** The address of the default local manager (FLOTILLA_LOCAL_ADDR lets tests use another port). */
export function localAddr(env = process.env): string {
  return env.FLOTILLA_LOCAL_ADDR || '127.0.0.1:2377';
}

/**
 * Finds the manager: FLOTILLA_HOST when named, else the local one. With
 * `autostart` and nothing named, a missing local manager is started in the
 * background (one process whose node is also a worker, as after `swarm init`).
 */
export async function connect(opts: { autostart: boolean; quiet?: boolean; onAutostart?: () => void }): Promise<Connection> {
  const named = process.env.FLOTILLA_HOST;
  const client = new ApiClient(managerUrl(named || localAddr()));
  if (await client.ping()) return { client, started: false };
  // A manager that is only slow (a loaded host) gets a second, longer chance before it is called unreachable.
  if (named && (await client.ping(5000))) return { client, started: false };
  if (named) throw new CliError(`cannot reach the flotilla manager at ${named} (FLOTILLA_HOST)`);
  if (!opts.autostart) {
    throw new CliError(`no flotilla manager answers at ${localAddr()}; \`flotilla compose up\` starts a local one`);
  }
  opts.onAutostart?.();
  await startLocalManager(client, opts.quiet ?? false);
  return { client, started: true };
}

async function startLocalManager(client: ApiClient, quiet: boolean) {
  const dir = join(defaultStateDir(process.env, homedir()), 'local');
  const pid = runningPid(dir, 'manager');
  if (pid) throw new CliError(`the local manager (pid ${pid}, state in ${dir}) runs but does not answer at ${localAddr()}`);
  await forgetStaleCluster(dir, quiet);
  await startInBackground('manager', dir, ['--data-dir', dir, '--listen-addr', localAddr(), '--advertise-addr', localAddr()]);
  if (!(await client.ping(2000))) throw new CliError(`the local manager started but does not answer at ${localAddr()}`);
  if (!quiet) {
    process.stderr.write(`Started a local flotilla cluster: manager at ${localAddr()}, state in ${dir}, log in ${join(dir, 'manager.log')}\n`);
  }
}

/**
 * A local cluster whose manager is gone (killed, a reboot) left its state and
 * maybe its tasks: restarting from them would bring every project it ran back
 * to life for whichever project is now brought up. It is left as
 * `swarm leave --force` leaves, and the new cluster starts empty.
 */
async function forgetStaleCluster(dir: string, quiet: boolean) {
  // Loaded here: only an autostart needs the node's Docker side.
  const { hasNodeState } = await import('../../../worker/src/leave/node-dir');
  if (!hasNodeState(dir)) return;
  const { leaveNode } = await import('../../../worker/src/leave/leave-node');
  const r = await leaveNode(dir, process.env.DOCKER_HOST);
  if (!quiet) process.stderr.write(`Removed a stopped local flotilla cluster (state in ${dir}, ${r.containers} task container(s))\n`);
}
