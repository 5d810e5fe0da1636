import { Command } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultStateDir, parseJoinToken } from '@flotilla/contracts';
import { runInForeground, runningPid, startInBackground } from '../client/background';
import { CliError } from '../errors';

/** `flotilla swarm join --token TOKEN ADDR:PORT`: this host joins as a worker, in the background. */
export function joinCommand(): Command {
  const cmd = new Command('join')
    .description('Join a swarm as a node')
    .argument('<HOST:PORT>')
    .requiredOption('--token <TOKEN>', 'token for entry into the swarm')
    .option('--advertise-addr <ADDR>', 'advertised address of this node')
    .option('--data-dir <DIR>', "this node's state", join(defaultStateDir(process.env, homedir()), 'node'))
    .option('--redis-url <URL>', "the cluster's Redis as this host reaches it (default: derived from the manager's)")
    .option('--foreground', 'run the worker in this terminal instead of the background')
    .action(async (remote: string) => {
      const o = cmd.opts<{ token: string; advertiseAddr?: string; dataDir: string; redisUrl?: string; foreground?: boolean }>();
      if (!parseJoinToken(o.token)) throw new CliError('invalid join token');
      if (!/^[^\s:]+:\d+$/.test(remote)) throw new CliError(`invalid address ${remote} (expected HOST:PORT)`);
      if (runningPid(o.dataDir, 'worker') || runningPid(o.dataDir, 'manager')) {
        throw new CliError('This node is already part of a swarm. Use "flotilla swarm leave" to leave this swarm and join another one.');
      }
      const args = ['--manager', remote, '--token', o.token, '--data-dir', o.dataDir];
      if (o.advertiseAddr) args.push('--advertise-addr', o.advertiseAddr);
      if (o.redisUrl) args.push('--redis-url', o.redisUrl);
      if (o.foreground) process.exit(await runInForeground('worker', args));
      await startInBackground('worker', o.dataDir, args);
      const role = parseJoinToken(o.token) && 'worker';
      process.stdout.write(`This node joined a swarm as a ${role}.\n`);
    });
  return cmd;
}
