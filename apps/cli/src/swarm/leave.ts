import { Command } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultStateDir } from '@flotilla/contracts';
import { runningPid, stopProcess } from '../client/background';
import { CliError } from '../errors';

/** `flotilla swarm leave [--force]`: stops this node's processes; a manager needs --force, as in Docker. */
export function leaveCommand(): Command {
  const cmd = new Command('leave')
    .description('Leave the swarm')
    .option('-f, --force', 'force this node to leave the swarm, ignoring warnings')
    .option('--data-dir <DIR>', "this node's state", join(defaultStateDir(process.env, homedir()), 'node'))
    .action(async () => {
      const o = cmd.opts<{ force?: boolean; dataDir: string }>();
      const manager = runningPid(o.dataDir, 'manager');
      const worker = runningPid(o.dataDir, 'worker');
      if (!manager && !worker) throw new CliError('This node is not part of a swarm');
      if (manager && !o.force) {
        throw new CliError(
          'You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.',
        );
      }
      if (worker) await stopProcess(worker);
      if (manager) await stopProcess(manager);
      process.stdout.write('Node left the swarm.\n');
    });
  return cmd;
}
