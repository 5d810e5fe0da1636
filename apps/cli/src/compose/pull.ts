import { Command } from 'commander';
import type { ComposeProject } from '@flotilla/compose';
import { addProjectOptions, checkServices, load, printWarnings, projectOptions } from './project-options';
import { pullLine, pullStatus, pullTargets, type PullTarget } from './registry/registry-plan';
import { RegistryAdapter } from './registry/registry.adapter';
import { CliError } from '../errors';
import { composeError, composeWarning } from './console-log';

/** At most this many pulls at once, as 1.29's parallel pull. */
const LIMIT = 5;

/**
 * `compose pull [--ignore-pull-failures] [-q] [SERVICE...]`: the images the
 * services name, onto the local engine (the node `compose up` runs on; other
 * nodes get them from a manager when their tasks need them), in parallel,
 * with 1.29's `Pulling web ... done` lines.
 */
export function pullCommand(): Command {
  const cmd = new Command('pull')
    .description('Pulls images for services defined in a Compose file, but does not start the containers.')
    .argument('[SERVICE...]', 'services whose images to pull (default: all)')
    .option('--ignore-pull-failures', 'Pull what it can and ignores images with pull failures.')
    .option('--no-parallel', 'Disable parallel pulling.')
    .option('-q, --quiet', 'Pull without printing progress information');
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const opts = cmd.opts<{ ignorePullFailures?: boolean; quiet?: boolean; parallel: boolean }>();
    const project = load(projectOptions(cmd));
    printWarnings(project);
    checkServices(project, services);
    const targets = pullTargets(project, services);
    if (!opts.parallel) return pullSerially(project, targets, opts);
    const width = Math.max(0, ...targets.map((t) => t.service.length));
    const line = (service: string, status: string) => {
      if (!opts.quiet) process.stderr.write(pullLine(width, service, status));
    };
    for (const t of targets) line(t.service, '');
    const registry = new RegistryAdapter();
    const errors = new Map<string, string>();
    const mustBuild: string[] = [];
    const pullOne = async (t: PullTarget) => {
      if (!t.image) return line(t.service, 'done');
      const failed = await registry.pull(t.image.repo, t.image.tag, (e) => {
        const s = pullStatus(e);
        if (s !== undefined) line(t.service, s);
      });
      if (failed?.notFound && t.canBuild) mustBuild.push(t.service);
      else if (failed) {
        errors.set(t.service, failed.error);
        return line(t.service, 'error');
      }
      line(t.service, 'done');
    };
    const queue = [...targets];
    await Promise.all(
      Array.from({ length: Math.min(LIMIT, queue.length) }, async () => {
        for (let t = queue.shift(); t; t = queue.shift()) await pullOne(t);
      }),
    );
    if (mustBuild.length) {
      composeWarning(`Some service image(s) must be built from source by running:\n    flotilla compose build ${mustBuild.join(' ')}`);
    }
    for (const [name, error] of errors) process.stderr.write(`\nERROR: for ${name}  ${error}\n`);
    // 1.29.2 drops --ignore-pull-failures in its (default) parallel mode: a failure exits 1 all the same.
    if (errors.size) {
      process.stderr.write(`${[...errors.values()].join('\n')}\n`);
      throw new CliError('', 1);
    }
  });
  return cmd;
}

/**
 * `pull --no-parallel`: one service after the other, as 1.29's serial pull: `Pulling db (image)...`,
 * and --ignore-pull-failures honoured there, for what 1.29 ignores (an image the registry does not
 * have, an error in the pull's stream); any other failure (no registry reachable) ends it, exit 1.
 */
async function pullSerially(project: ComposeProject, targets: PullTarget[], opts: { ignorePullFailures?: boolean; quiet?: boolean }): Promise<void> {
  const registry = new RegistryAdapter();
  const mustBuild: string[] = [];
  for (const t of targets) {
    if (!t.image) continue;
    if (!opts.quiet) process.stderr.write(`Pulling ${t.service} (${project.services[t.service].image})...\n`);
    const failed = await registry.pull(t.image.repo, t.image.tag, () => undefined);
    if (!failed) continue;
    if (failed.notFound && t.canBuild) mustBuild.push(t.service);
    else if (opts.ignorePullFailures && (failed.notFound || failed.stream)) composeError(failed.error);
    else throw new CliError(failed.error, 1);
  }
  if (mustBuild.length) {
    composeWarning(`Some service image(s) must be built from source by running:\n    flotilla compose build ${mustBuild.join(' ')}`);
  }
}
