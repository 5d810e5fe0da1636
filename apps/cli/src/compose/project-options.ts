import { Command, Option } from 'commander';
import { loadProject, ComposeError, type ComposeProject } from '@flotilla/compose';
import { CliError } from '../errors';

export interface ProjectOptions {
  file?: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile?: string;
  profile?: string[];
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The options every compose verb takes, accepted before or after the verb (`compose -f X up` and `compose up -f X`). */
export function addProjectOptions(cmd: Command, o: { shortFile?: boolean } = {}): Command {
  // `logs -f` means --follow, as in docker-compose: there only `--file` names a file.
  const fileFlags = o.shortFile === false ? '--file <FILE>' : '-f, --file <FILE>';
  return cmd
    .addOption(new Option(fileFlags, 'compose file (repeatable)').argParser(collect))
    .addOption(new Option('-p, --project-name <NAME>', 'project name'))
    .addOption(new Option('--project-directory <PATH>', 'working directory (default: the first file\'s directory)'))
    .addOption(new Option('--env-file <PATH>', 'environment file'))
    .addOption(new Option('--profile <NAME>', 'profile to enable (repeatable)').argParser(collect));
}

export function projectOptions(cmd: Command): ProjectOptions {
  const own = cmd.opts() as ProjectOptions;
  const parent = (cmd.parent?.opts() ?? {}) as ProjectOptions;
  return {
    file: [...(parent.file ?? []), ...(own.file ?? [])],
    projectName: own.projectName ?? parent.projectName,
    projectDirectory: own.projectDirectory ?? parent.projectDirectory,
    envFile: own.envFile ?? parent.envFile,
    profile: [...(parent.profile ?? []), ...(own.profile ?? [])],
  };
}

/** Loads and validates the project; a bad file stops here, before anything touches the cluster. */
export function load(o: ProjectOptions): ComposeProject {
  try {
    return loadProject({
      files: o.file?.length ? o.file : undefined,
      workingDir: o.projectDirectory,
      projectName: o.projectName,
      envFile: o.envFile,
      profiles: o.profile?.length ? o.profile : undefined,
      env: process.env,
    });
  } catch (e) {
    if (e instanceof ComposeError) throw new CliError((e as Error).message);
    throw e;
  }
}

/** Warnings the loader found (unset variables...), printed the way docker-compose does. */
export function printWarnings(p: ComposeProject) {
  for (const w of p.warnings) process.stderr.write(`WARNING: ${w}\n`);
}

export function checkServices(p: ComposeProject, names: string[]) {
  for (const n of names) if (!(n in p.services)) throw new CliError(`No such service: ${n}`);
}
