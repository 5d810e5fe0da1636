import { Command } from 'commander';
import { CliError } from '../errors';

/**
 * `compose help [COMMAND]`: that command's help, or compose's own; an unknown
 * command is an error listing the commands there are, as in 1.29.
 */
export function helpCommand(): Command {
  const cmd = new Command('help').description('Get help on a command').argument('[COMMAND]');
  cmd.action((name: string | undefined) => {
    const compose = cmd.parent!;
    if (name === undefined) return void process.stdout.write(compose.helpInformation());
    const target = compose.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (!target) {
      const list = compose.commands
        .map((c) => `  ${c.name().padEnd(19)}${c.description().split('\n')[0]}`)
        .sort()
        .join('\n');
      throw new CliError(`No such command: ${name}\n\nCommands:\n${list}`);
    }
    process.stdout.write(target.helpInformation());
  });
  return cmd;
}
