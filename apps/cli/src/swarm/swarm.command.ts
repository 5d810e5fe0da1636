import { Argument, Command } from 'commander';
import { dockerApi } from '../client/connect-api';
import { clientCertCommand } from './client-cert';
import { caCommand } from './ca';
import { initCommand } from './init';
import { joinCommand } from './join';
import { leaveCommand } from './leave';
import { unlockCommand } from './unlock';
import { unlockKeyCommand } from './unlock-key';
import { updateCommand } from './update';

/** `flotilla swarm init|join|join-token|leave`. */
export function swarmCommand(): Command {
  const swarm = new Command('swarm').description('Manage the swarm');
  const jt = new Command('join-token')
    .addArgument(new Argument('<ROLE>').choices(['worker', 'manager']))
    .option('-q, --quiet', 'only display token')
    .option('--rotate', 'rotate join token')
    .description('Manage join tokens')
    .action(async (role: 'worker' | 'manager') => {
      const o = jt.opts<{ quiet?: boolean; rotate?: boolean }>();
      const api = await dockerApi();
      let sw = await api.swarm();
      if (o.rotate) {
        await api.updateSwarm(sw.Version.Index, sw.Spec, { worker: role === 'worker', manager: role === 'manager' });
        sw = await api.swarm();
        if (!o.quiet) process.stdout.write(`Successfully rotated ${role} join token.\n\n`);
      }
      const token = role === 'worker' ? sw.JoinTokens.Worker : sw.JoinTokens.Manager;
      if (o.quiet) {
        process.stdout.write(`${token}\n`);
        return;
      }
      const info = await api.info();
      const addr = info.Swarm.RemoteManagers?.find((m) => m.NodeID === info.Swarm.NodeID)?.Addr ?? info.Swarm.RemoteManagers?.[0]?.Addr;
      process.stdout.write(`To add a ${role} to this swarm, run the following command:\n\n    flotilla swarm join --token ${token} ${addr}\n\n`);
    });
  swarm.addCommand(initCommand());
  swarm.addCommand(joinCommand());
  swarm.addCommand(jt);
  swarm.addCommand(leaveCommand());
  swarm.addCommand(unlockCommand());
  swarm.addCommand(unlockKeyCommand());
  swarm.addCommand(updateCommand());
  swarm.addCommand(clientCertCommand());
  swarm.addCommand(caCommand());
  return swarm;
}
