import { Command } from 'commander';
import { dockerApi } from '../client/connect-api';
import { bareError, unlockBanner } from './unlock-banner';

/** `flotilla swarm unlock-key [-q] [--rotate]`, as docker's. */
export function unlockKeyCommand(): Command {
  const cmd = new Command('unlock-key')
    .description('Manage the unlock key')
    .option('-q, --quiet', 'only display the key')
    .option('--rotate', 'rotate the unlock key')
    .action(async () => {
      const o = cmd.opts<{ quiet?: boolean; rotate?: boolean }>();
      const api = await dockerApi();
      if (o.rotate) {
        const sw = await api.swarm();
        if (!sw.Spec.EncryptionConfig?.AutoLockManagers) bareError('cannot rotate because autolock is not turned on');
        await api.updateSwarm(sw.Version.Index, sw.Spec, { worker: false, manager: false, unlockKey: true });
        if (!o.quiet) process.stdout.write('Successfully rotated manager unlock key.\n');
      }
      let key: string;
      try {
        key = (await api.unlockKey()).UnlockKey;
      } catch (e) {
        return bareError(`could not fetch unlock key: ${(e as Error).message}`);
      }
      if (!key) bareError('no unlock key is set');
      process.stdout.write(o.quiet ? `${key}\n` : unlockBanner(key));
    });
  return cmd;
}
