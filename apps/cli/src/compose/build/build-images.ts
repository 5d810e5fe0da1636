import { existsSync, statSync } from 'node:fs';
import { buildRequest, planBuilds, serviceImage, type BuildFlags, type BuildPolicy, type ComposeProject } from '@flotilla/compose';
import { CliError } from '../../errors';
import { DockerBuildAdapter } from './docker-build.adapter';

export interface BuildImagesOptions extends BuildFlags {
  policy: BuildPolicy;
  /** `compose build` says which services it skips; `up` does not. */
  reportSkipped?: boolean;
}

/**
 * Builds the project's images on the local engine before anything is deployed, as docker-compose
 * 1.29 does: stops at the first failing build, naming its service, so nothing is half-started.
 */
export async function buildImages(project: ComposeProject, services: string[], o: BuildImagesOptions, docker = new DockerBuildAdapter()): Promise<void> {
  checkBuildContexts(project);
  const buildable = (services.length ? services : Object.keys(project.services)).some((n) => project.services[n]?.build);
  if (buildable) await docker.ping();
  const have = new Map<string, boolean>();
  if (o.policy !== 'always') {
    for (const name of services.length ? services : Object.keys(project.services)) {
      const s = project.services[name];
      if (s?.build) have.set(serviceImage(project.name, s), await docker.hasImage(serviceImage(project.name, s)));
    }
  }
  const steps = planBuilds(project, services, o.policy, (img) => have.get(img) ?? false);
  // 1.29 names every service it skips before the first build starts.
  for (const step of steps) if (step.kind === 'uses-image' && o.reportSkipped) process.stderr.write(`${step.service} uses an image, skipping\n`);
  for (const step of steps) {
    if (step.kind === 'uses-image') continue;
    if (step.kind === 'needs-build') throw new CliError(`Service '${step.service}' needs to be built, but --no-build was passed.`);
    process.stderr.write(`Building ${step.service}\n`);
    const failure = await docker.build(buildRequest(project.name, project.services[step.service], o), (t) => process.stdout.write(t));
    if (failure !== undefined) throw new CliError(`Service '${step.service}' failed to build : ${failure.trim()}`);
    if (step.reason === 'missing') {
      process.stderr.write(
        `Image for service ${step.service} was built because it did not already exist. To rebuild this image you must use \`docker-compose build\` or \`docker-compose up --build\`.\n`,
      );
    }
  }
}

/** 1.29 refuses a project whose build context is missing, before any command runs. */
export function checkBuildContexts(project: ComposeProject): void {
  for (const s of Object.values(project.services)) {
    const ctx = s.build?.context;
    if (ctx === undefined || /^(https?|git):\/\/|^git@|^github\.com\//.test(ctx)) continue;
    if (!existsSync(ctx) || !statSync(ctx).isDirectory()) {
      throw new CliError(`build path ${ctx} either does not exist, is not accessible, or is not a valid URL.`);
    }
  }
}
