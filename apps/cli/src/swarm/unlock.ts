import { Command } from 'commander';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { dockerApi } from '../client/connect-api';
import { bareError } from './unlock-banner';

/**
 * `flotilla swarm unlock`: as docker's, asks the manager whether it is locked
 * first, then reads the key (`Enter unlock key: ` without echo on a terminal,
 * else the first line of stdin) and gives it to the manager.
 */
export function unlockCommand(): Command {
  return new Command('unlock').description('Unlock swarm').action(async () => {
    const api = await dockerApi();
    const state = (await api.info()).Swarm.LocalNodeState;
    if (state === 'inactive') bareError('Error: This node is not part of a swarm');
    if (state !== 'locked') bareError('Error: swarm is not locked');
    await api.unlock(await readKey('Enter unlock key: '));
  });
}

async function readKey(prompt: string): Promise<string> {
  if (process.stdin.isTTY) {
    process.stdout.write(prompt);
    // The key is a secret: nothing typed is echoed.
    const muted = new Writable({ write: (_c, _e, cb) => cb() });
    const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
    const line = await new Promise<string>((resolve) => rl.once('line', resolve));
    rl.close();
    process.stdout.write('\n');
    return line;
  }
  const rl = createInterface({ input: process.stdin });
  const first = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return first.trim();
}
