import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultStateDir } from '@flotilla/contracts';
import { ApiClient, managerUrl } from './api-client';
import { CliError } from '../errors';

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
  mkdirSync(dir, { recursive: true });
  const logPath = join(dir, 'manager.log');
  const main = resolve(__dirname, '..', '..', '..', 'manager', 'src', 'main.js');
  const out = openSync(logPath, 'a');
  const child = spawn(process.execPath, [main, '--data-dir', dir, '--listen-addr', localAddr(), '--advertise-addr', localAddr()], {
    detached: true,
    stdio: ['ignore', out, out],
    env: process.env,
  });
  closeSync(out);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new CliError(lastError(logPath) ?? `the local manager exited (code ${exited}); see ${logPath}`);
    if (await client.ping(500)) {
      // Ready means the embedded worker has joined too; the manager writes its pid only then.
      try {
        readFileSync(join(dir, 'manager.pid'));
        if (!quiet) {
          process.stderr.write(`Started a local flotilla cluster: manager at ${localAddr()}, state in ${dir}, log in ${logPath}\n`);
        }
        return;
      } catch {
        /* not ready yet */
      }
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new CliError(`the local manager did not come up within 30 s; see ${logPath}`);
}

function lastError(logPath: string): string | undefined {
  try {
    const lines = readFileSync(logPath, 'utf8').trim().split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = /^flotilla-manager: (.*)$/.exec(lines[i]);
      if (m) return m[1];
    }
  } catch {
    /* no log */
  }
  return undefined;
}
