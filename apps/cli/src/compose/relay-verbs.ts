import type { Command } from 'commander';
import { execCommand } from './exec';
import { runCommand } from './run';
import { killCommand } from './kill';
import { pauseCommand, unpauseCommand } from './pause';
import { restartCommand } from './restart';
import { topCommand } from './top';

/**
 * The verbs that act on task containers wherever they run (through the
 * manager's engine relay). `exec` and `run` stop reading options at the
 * service (their command's own flags are the command's), which needs the
 * compose command to take its options only before the verb.
 */
export function addRelayVerbs(compose: Command): void {
  compose.enablePositionalOptions();
  for (const c of [execCommand(), runCommand(), killCommand(), pauseCommand(), unpauseCommand(), restartCommand(), topCommand()]) compose.addCommand(c);
}
