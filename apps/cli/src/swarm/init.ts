import { Command, Option } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { defaultStateDir } from '@flotilla/contracts';
import { ApiClient, managerUrl } from '../client/api-client';
import { DockerApi } from '../client/docker-api';
import { runInForeground, runningPid, startInBackground, stopProcess } from '../client/background';
import { CliError } from '../errors';
import { unlockBanner } from './unlock-banner';

/** `flotilla swarm init`: a manager whose node is also a worker, in the background; prints the join command. */
export function initCommand(): Command {
  const cmd = new Command('init')
    .description('Initialize a swarm')
    .option('--advertise-addr <ADDR>', 'advertised address (format: <ip>[:port])')
    .option('--listen-addr <ADDR:PORT>', 'listen address', '0.0.0.0:2377')
    .option('--data-dir <DIR>', "this node's state", join(defaultStateDir(process.env, homedir()), 'node'))
    .addOption(new Option('--log-level <LEVEL>', "the node's log level").choices(['debug', 'info', 'warn', 'error']))
    .option('--foreground', 'run the manager in this terminal instead of the background')
    .option('--api-remote', 'serve the API to other hosts too (over TLS, to clients with `flotilla swarm client-cert` certificates)')
    .option('--autolock', 'enable manager autolocking (requiring an unlock key to start a stopped manager)')
    .option('--force-new-cluster', "force create a new cluster from this manager's current state (after losing the majority of managers)")
    .action(async () => {
      const o = cmd.opts<{ advertiseAddr?: string; listenAddr: string; dataDir: string; foreground?: boolean; apiRemote?: boolean; forceNewCluster?: boolean; autolock?: boolean; logLevel?: string }>();
      const port = /:(\d+)$/.exec(o.listenAddr)?.[1];
      if (!port) throw new CliError(`--listen-addr must be HOST:PORT, got ${o.listenAddr}`);
      const advertise = o.advertiseAddr ?? '127.0.0.1';
      const addr = advertise.includes(':') ? advertise : `${advertise}:${port}`;
      const running = runningPid(o.dataDir, 'manager');
      if (o.forceNewCluster) {
        // The manager is stuck without a quorum: stop it and restart it alone, on its own data.
        if (!existsSync(join(o.dataDir, 'raft'))) throw new CliError(`--force-new-cluster: no manager state in ${o.dataDir}`);
        if (running) await stopProcess(running);
      } else if (running || runningPid(o.dataDir, 'worker')) {
        throw new CliError('This node is already part of a swarm. Use "flotilla swarm leave" to leave this swarm and join another one.');
      }
      const args = ['--data-dir', o.dataDir, '--listen-addr', o.listenAddr, '--advertise-addr', addr, ...(o.apiRemote ? ['--api-remote'] : [])];
      if (o.forceNewCluster) args.push('--force-new-cluster');
      if (o.logLevel) args.push('--log-level', o.logLevel);
      if (o.foreground) process.exit(await runInForeground('manager', args));
      await startInBackground('manager', o.dataDir, args);
      const local = o.listenAddr.startsWith('0.0.0.0') ? `127.0.0.1:${port}` : o.listenAddr;
      const api = new DockerApi(new ApiClient(managerUrl(local)).baseUrl);
      const [info, sw] = await Promise.all([api.info(), api.swarm()]);
      process.stdout.write(
        `Swarm initialized: current node (${info.Swarm.NodeID}) is now a manager.\n\n` +
          `To add a worker to this swarm, run the following command:\n\n` +
          `    flotilla swarm join --token ${sw.JoinTokens.Worker} ${addr}\n\n` +
          `To add a manager to this swarm, run 'flotilla swarm join-token manager' and follow the instructions.\n\n`,
      );
      if (o.autolock) await turnAutolockOn(api);
    });
  return cmd;
}

/** `init --autolock`: the new cluster's data keys get wrapped by its unlock key before init returns. */
async function turnAutolockOn(api: DockerApi): Promise<void> {
  const sw = await api.swarm();
  await api.updateSwarm(sw.Version.Index, { ...sw.Spec, EncryptionConfig: { AutoLockManagers: true } }, { worker: false, manager: false });
  process.stdout.write(unlockBanner((await api.unlockKey()).UnlockKey));
}
