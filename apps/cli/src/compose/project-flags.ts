import { Command, Option } from 'commander';

// The project flags alone, without the compose loader: `compose version` and help need only these.
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
