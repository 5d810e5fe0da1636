import { CliError } from '../errors';

/** What Docker prints after turning autolock on or showing the key (docker/cli's printUnlockCommand), with flotilla's verb. */
export function unlockBanner(key: string): string {
  return (
    'To unlock a swarm manager after it restarts, run the `flotilla swarm unlock`\n' +
    'command and provide the following key:\n\n' +
    `    ${key}\n\n` +
    'Remember to store this key in a password manager, since without it you\n' +
    'will not be able to restart the manager.\n'
  );
}

/** Docker prints these client-side errors bare (no "Error response from daemon", no "ERROR:"). */
export function bareError(text: string): never {
  process.stderr.write(`${text}\n`);
  throw new CliError('');
}
