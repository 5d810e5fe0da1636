import { Command, CommanderError } from 'commander';
import { CliError } from './errors';
import { addProjectOptions } from './compose/project-flags';
import { COMPOSE_VERBS, NOUNS, VERSION } from './command-table';
import { invokedVerb } from './invoked-verb';

/**
 * `flotilla`: plain Node, no Nest boot. Only the command the line names is loaded (`compose ps`
 * does not load what `compose up` builds with); help, or a line read with doubt, loads them all.
 */
export async function program(args: readonly string[] = process.argv.slice(2)): Promise<Command> {
  const p = new Command('flotilla').description('Compose and Swarm, across hosts').version(VERSION).enablePositionalOptions();
  // `--version` prints and exits before any command is looked at.
  if (args[0] === '--version' || args[0] === '-V') return p;
  const want = invokedVerb(args);
  const known = (names: string[]) => want.verb !== undefined && names.includes(want.verb);
  const one = !!want.noun && (want.noun === 'compose' ? COMPOSE_VERBS.some(([names]) => known(names)) : NOUNS.some(([n]) => n === want.noun));
  if (!one || want.noun === 'compose') {
    // Positional: options after the verb are the verb's (`logs -f`, `rm -f` are --follow, --force there);
    // `exec` and `run` stop reading options at the service, which needs compose's options before the verb.
    const compose = addProjectOptions(new Command('compose').description('Define and run multi-container applications')).enablePositionalOptions();
    for (const [names, load] of COMPOSE_VERBS) if (!one || known(names)) for (const c of await load()) compose.addCommand(c);
    p.addCommand(compose);
  }
  for (const [noun, load] of NOUNS) if (!one || noun === want.noun) p.addCommand(await load());
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(p)) c.exitOverride();
  return p;
}

async function main() {
  try {
    await (await program()).parseAsync(process.argv);
  } catch (caught) {
    if (caught instanceof CommanderError) process.exit(caught.exitCode);
    // A project that loads but cannot be deployed (toStack: a restart condition Swarm lacks), as 1.29's `up` says it.
    // Loaded here, on an error only: `version` and help need no compose loader.
    const { ComposeError } = await import('@flotilla/compose');
    const e = caught instanceof ComposeError ? new CliError(caught.message) : caught;
    if (e instanceof CliError) {
      // Docker-style commands already say "Error response from daemon: ..."; compose ones log it as docker-compose
      // (`ERROR: ` on a terminal only); the others say ERROR: first.
      if (e.message && invokedVerb(process.argv.slice(2)).noun === 'compose' && !e.message.startsWith('Error response')) (await import('./compose/console-log')).composeError(e.message);
      else if (e.message) process.stderr.write(e.message.startsWith('Error response') ? `${e.message}\n` : `ERROR: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    throw e;
  }
}

export { main };
