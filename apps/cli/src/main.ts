import { Command, CommanderError } from 'commander';
import { ComposeError } from '@flotilla/compose';
import { CliError } from './errors';
import { upCommand } from './compose/up';
import { downCommand } from './compose/down';
import { psCommand } from './compose/ps';
import { logsCommand } from './compose/logs';
import { configCommand } from './compose/config';
import { buildCommand } from './compose/build';
import { pushCommand } from './compose/push';
import { pullCommand } from './compose/pull';
import { addProjectOptions } from './compose/project-options';
import { addRelayVerbs } from './compose/relay-verbs';
import { everydayVerbs } from './compose/everyday-verbs';
import { serviceCommand } from './service/service.command';
import { nodeCommand } from './node/node.command';
import { stackCommand } from './stack/stack.command';
import { swarmCommand } from './swarm/swarm.command';

/** `flotilla`: plain Node, no Nest boot, so every command starts fast. */
export function program(): Command {
  const p = new Command('flotilla').description('Compose and Swarm, across hosts').version('0.1.0').enablePositionalOptions();
  // Positional: options after the verb are the verb's (`logs -f`, `rm -f` are --follow, --force there).
  const compose = addProjectOptions(new Command('compose').description('Define and run multi-container applications')).enablePositionalOptions();
  for (const c of [upCommand(), downCommand(), psCommand(), logsCommand(), configCommand(), buildCommand()]) compose.addCommand(c);
  for (const c of [pushCommand(), pullCommand()]) compose.addCommand(c);
  addRelayVerbs(compose);
  for (const c of everydayVerbs('0.1.0')) compose.addCommand(c);
  p.addCommand(compose);
  for (const c of [serviceCommand(), nodeCommand(), stackCommand(), swarmCommand()]) p.addCommand(c);
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(p)) c.exitOverride();
  return p;
}

async function main() {
  try {
    await program().parseAsync(process.argv);
  } catch (caught) {
    // A project that loads but cannot be deployed (toStack: a restart condition Swarm lacks), as 1.29's `up` says it.
    const e = caught instanceof ComposeError ? new CliError(caught.message) : caught;
    if (e instanceof CommanderError) process.exit(e.exitCode);
    if (e instanceof CliError) {
      // Docker-style commands already say "Error response from daemon: ..."; compose ones say ERROR:, as docker-compose.
      if (e.message) process.stderr.write(e.message.startsWith('Error response') ? `${e.message}\n` : `ERROR: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    throw e;
  }
}

export { main };
