import { loadProject, ComposeError, type ComposeProject } from '@flotilla/compose';
import { CliError } from '../errors';
import type { ProjectOptions } from './project-flags';
import { composeWarning } from './console-log';

export { addProjectOptions, projectOptions, type ProjectOptions } from './project-flags';

/** Loads and validates the project; a bad file stops here, before anything touches the cluster. */
export function load(o: ProjectOptions, extra: { interpolate?: boolean } = {}): ComposeProject {
  try {
    return loadProject({
      ...extra,
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
  for (const w of p.warnings) composeWarning(w);
}

export function checkServices(p: ComposeProject, names: string[]) {
  for (const n of names) if (!(n in p.services)) throw new CliError(`No such service: ${n}`);
}
