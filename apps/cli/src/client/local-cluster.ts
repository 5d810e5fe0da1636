import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultStateDir } from '@flotilla/contracts';
import { ApiClient, managerUrl } from './api-client';
import { CliError } from '../errors';
import { startInBackground } from './background';

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
export async function connect(opts: { autostart: boolean; quiet?: boolean }): Promise<Connection> {
  const named = process.env.FLOTILLA_HOST;
  const client = new ApiClient(managerUrl(named || localAddr()));
  if (await client.ping()) return { client, started: false };
  if (named) throw new CliError(`cannot reach the flotilla manager at ${named} (FLOTILLA_HOST)`);
  if (!opts.autostart) {
    throw new CliError(`no flotilla manager answers at ${localAddr()}; \`flotilla compose up\` starts a local one`);
  }
  await startLocalManager(client, opts.quiet ?? false);
  return { client, started: true };
}

async function startLocalManager(client: ApiClient, quiet: boolean) {
  const dir = join(defaultStateDir(process.env, homedir()), 'local');
  await startInBackground('manager', dir, ['--data-dir', dir, '--listen-addr', localAddr(), '--advertise-addr', localAddr()]);
  if (!(await client.ping(2000))) throw new CliError(`the local manager started but does not answer at ${localAddr()}`);
  if (!quiet) {
    process.stderr.write(`Started a local flotilla cluster: manager at ${localAddr()}, state in ${dir}, log in ${join(dir, 'manager.log')}\n`);
  }
}
