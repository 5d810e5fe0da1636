import { Command } from 'commander';

/** The docker-compose release whose commands, flags and output flotilla's compose follows. */
export const COMPOSE_COMPAT = '1.29.2';

/** `compose version [--short]`: flotilla's own version, and the docker-compose it speaks like. */
export function versionCommand(flotillaVersion: string): Command {
  const cmd = new Command('version').description('Show version information').option('--short', "shows only flotilla's version number");
  cmd.action(() => {
    const o = cmd.opts<{ short?: boolean }>();
    if (o.short) return void process.stdout.write(`${flotillaVersion}\n`);
    process.stdout.write(`flotilla compose version ${flotillaVersion} (docker-compose ${COMPOSE_COMPAT} commands)\nNode.js version: ${process.version}\n`);
  });
  return cmd;
}
