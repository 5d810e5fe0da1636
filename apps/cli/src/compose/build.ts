import { Command } from 'commander';
import { addProjectOptions, checkServices, load, printWarnings, projectOptions } from './project-options';
import { buildImages } from './build/build-images';

/** `compose build [--no-cache] [--pull] [SERVICE...]`: always builds, on the engine DOCKER_HOST names. */
export function buildCommand(): Command {
  const cmd = new Command('build')
    .description('Build or rebuild services (tagged <project>_<service>, or image: when given)')
    .argument('[SERVICE...]', 'services to build (default: all with build:)')
    .option('--no-cache', 'do not use cache when building the image')
    .option('--pull', 'always attempt to pull a newer version of the image');
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const opts = cmd.opts<{ cache?: boolean; pull?: boolean }>();
    const project = load(projectOptions(cmd));
    printWarnings(project);
    checkServices(project, services);
    await buildImages(project, services, { policy: 'always', reportSkipped: true, noCache: opts.cache === false, pull: !!opts.pull });
  });
  return cmd;
}
