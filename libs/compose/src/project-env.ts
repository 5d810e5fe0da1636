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

/** The variables interpolation sees: the project's .env (or --env-file, relative to cwd), overridden by the shell. */
export function projectEnv(envFileOpt: string | undefined, shell: Env, cwd: string, projectDir: string): Env {
  const envFile = envFileOpt ? resolve(cwd, envFileOpt) : resolve(projectDir, '.env');
  if (!existsSync(envFile)) {
    if (envFileOpt) throw new ComposeError([{ file: envFile, message: "Couldn't find env file" }]);
    return shell;
  }
  const problems: { line: number; message: string }[] = [];
  const dotenv = parseDotenv(readFileSync(envFile, 'utf8'), shell, problems);
  if (problems.length) throw new ComposeError(problems.map((p) => ({ file: envFile, line: p.line, column: 1, message: p.message })));
  return { ...dotenv, ...definedOnly(shell) };
}
