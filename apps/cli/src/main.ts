import { Command, CommanderError } from 'commander';
import { CliError } from './errors';
import { upCommand } from './compose/up';
import { downCommand } from './compose/down';
import { psCommand } from './compose/ps';
import { logsCommand } from './compose/logs';
import { configCommand } from './compose/config';
import { addProjectOptions } from './compose/project-options';

/** `flotilla`: plain Node, no Nest boot, so every command starts fast. */
export function program(): Command {
  const p = new Command('flotilla').description('Compose and Swarm, across hosts').version('0.1.0');
  const compose = addProjectOptions(new Command('compose').description('Define and run multi-container applications'));
  for (const c of [upCommand(), downCommand(), psCommand(), logsCommand(), configCommand()]) compose.addCommand(c);
  p.addCommand(compose);
  p.exitOverride();
  for (const c of [p, compose, ...compose.commands]) c.exitOverride();
  return p;
}

async function main() {
  try {
    await program().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode);
    if (e instanceof CliError) {
      process.stderr.write(`ERROR: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    throw e;
  }
}

export { main };
