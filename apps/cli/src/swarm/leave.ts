import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { countManagers, defaultStateDir, leaveRefusal, type ManagerCounts, type SwarmNode } from '@flotilla/contracts';
import { runningPid, stopProcess } from '../client/background';
import { CliError } from '../errors';

/** Docker's CLI prefix: these refusals are the daemon's in Docker. */
const DAEMON = 'Error response from daemon: ';

/**
 * `flotilla swarm leave [--force]`, as Docker leaves: a manager needs --force;
 * the node's processes stop, its task containers and its cluster's networks
 * go from the engine (volumes stay), and its state dir is emptied, so a later
 * `swarm init`, `join` or `compose up` starts from nothing (a new node id).
 */
export function leaveCommand(): Command {
  const cmd = new Command('leave')
    .description('Leave the swarm')
    .option('-f, --force', 'force this node to leave the swarm, ignoring warnings')
    .option('--data-dir <DIR>', "this node's state (default: the node `swarm init`/`join` started, else the local cluster `compose up` started)")
    .action(async () => {
      const o = cmd.opts<{ force?: boolean; dataDir?: string }>();
      // Loaded here: the Docker side of leaving is the node's code, and other commands need not load it.
      const { hasManagerState, hasNodeState } = await import('../../../worker/src/leave/node-dir');
      const base = defaultStateDir(process.env, homedir());
      const candidates = o.dataDir ? [o.dataDir] : [join(base, 'node'), join(base, 'local')];
      const dir = candidates.find((d) => runningPid(d, 'manager') || runningPid(d, 'worker') || hasNodeState(d));
      if (!dir) throw new CliError(`${DAEMON}This node is not part of a swarm`);
      const manager = runningPid(dir, 'manager');
      const worker = runningPid(dir, 'worker');
      if ((manager || hasManagerState(dir)) && !o.force) throw new CliError(DAEMON + leaveRefusal(manager ? await managerCounts(dir) : undefined));
      if (worker) await stopProcess(worker);
      if (manager) await stopProcess(manager);
      const { leaveNode } = await import('../../../worker/src/leave/leave-node');
      await leaveNode(dir, process.env.DOCKER_HOST);
      process.stdout.write('Node left the swarm.\n');
    });
  return cmd;
}

/** Reachable and unreachable managers as the running manager of `dir` sees them; undefined if it does not answer. */
async function managerCounts(dir: string): Promise<ManagerCounts | undefined> {
  try {
    const self = readFileSync(join(dir, 'worker', 'node-id'), 'utf8').trim();
    const addr = (JSON.parse(readFileSync(join(dir, 'raft-peers.json'), 'utf8')) as Record<string, string>)[self];
    if (!addr) return undefined;
    const port = addr.slice(addr.lastIndexOf(':') + 1);
    // The user API answers its own host; the listen address may be loopback or any.
    for (const host of [`127.0.0.1:${port}`, addr]) {
      const res = await fetch(`http://${host}/v1.41/nodes`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
      if (!res?.ok) continue;
      return countManagers((await res.json()) as SwarmNode[]);
    }
  } catch {
    /* no manager state to read */
  }
  return undefined;
}
