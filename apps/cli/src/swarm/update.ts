import { Command } from 'commander';
import { dockerApi } from '../client/connect-api';
import { CliError } from '../errors';
import { unlockBanner } from './unlock-banner';

/** `flotilla swarm update --autolock[=true|false]`: as docker's, prints the key when autolock turns on. */
export function updateCommand(): Command {
  const cmd = new Command('update')
    .description('Update the swarm')
    .option('--autolock [BOOL]', 'change manager autolocking setting (true|false)')
    .action(async () => {
      const o = cmd.opts<{ autolock?: string | boolean }>();
      const api = await dockerApi();
      const sw = await api.swarm();
      const was = sw.Spec.EncryptionConfig?.AutoLockManagers ?? false;
      const want = o.autolock === undefined ? was : parseBool(o.autolock);
      await api.updateSwarm(sw.Version.Index, { ...sw.Spec, EncryptionConfig: { AutoLockManagers: want } }, { worker: false, manager: false });
      process.stdout.write('Swarm updated.\n');
      if (want && !was) process.stdout.write(unlockBanner((await api.unlockKey()).UnlockKey));
    });
  return cmd;
}

function parseBool(v: string | boolean): boolean {
  if (typeof v === 'boolean') return v;
  if (/^(1|t|true)$/i.test(v)) return true;
  if (/^(0|f|false)$/i.test(v)) return false;
  throw new CliError(`invalid argument "${v}" for "--autolock" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
}
