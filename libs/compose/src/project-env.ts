import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDotenv } from './dotenv';
import { ComposeError } from './errors';
import type { Env } from './interpolate';

const definedOnly = (e: Env): Record<string, string> => Object.fromEntries(Object.entries(e).filter((x): x is [string, string] => x[1] !== undefined));

/** A .env file's variables, or none when it is missing or unreadable. */
function quietDotenv(file: string, shell: Env): Record<string, string> {
  try {
    return parseDotenv(readFileSync(file, 'utf8'), shell);
  } catch {
    return {};
  }
}

/** What finding the files sees: COMPOSE_FILE may also come from the current directory's .env (as in docker-compose). */
export function discoveryEnv(shell: Env, cwd: string): Env {
  return shell.COMPOSE_FILE ? shell : { ...quietDotenv(resolve(cwd, '.env'), shell), ...definedOnly(shell) };
}

/** A .env line docker-compose 1.29 cannot read is skipped with a warning (python-dotenv's); flotilla names the file too. */
export const dotenvWarning = (file: string, line: number) => `${file}: could not parse statement starting at line ${line}; it is skipped`;

/**
 * The variables interpolation sees: the project's .env (or --env-file, relative to cwd), overridden by the shell.
 * Lines that cannot be read go to `warnings`, as 1.29 warns and goes on.
 */
export function projectEnv(envFileOpt: string | undefined, shell: Env, cwd: string, projectDir: string, warnings: string[] = []): Env {
  const envFile = envFileOpt ? resolve(cwd, envFileOpt) : resolve(projectDir, '.env');
  if (!existsSync(envFile)) {
    if (envFileOpt) throw new ComposeError([{ file: envFile, message: "Couldn't find env file" }]);
    return shell;
  }
  const problems: { line: number; message: string }[] = [];
  const dotenv = parseDotenv(readFileSync(envFile, 'utf8'), shell, problems);
  for (const p of problems) warnings.push(dotenvWarning(envFile, p.line));
  return { ...dotenv, ...definedOnly(shell) };
}
