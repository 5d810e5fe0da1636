import { Command } from 'commander';
import { addProjectOptions, checkServices, load, printWarnings, projectOptions } from './project-options';
import { pushTargets, streamOutputText } from './registry/registry-plan';
import { RegistryAdapter } from './registry/registry.adapter';
import { CliError } from '../errors';

/** `compose push [--ignore-push-failures] [SERVICE...]`: built images that name a registry, from the local engine, as 1.29. */
export function pushCommand(): Command {
  const cmd = new Command('push')
    .description('Pushes images for services.')
    .argument('[SERVICE...]', 'services whose images to push (default: all that build and name an image)')
    .option('--ignore-push-failures', 'Push what it can and ignores images with push failures.');
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const ignore = !!cmd.opts<{ ignorePushFailures?: boolean }>().ignorePushFailures;
    const project = load(projectOptions(cmd));
    printWarnings(project);
    checkServices(project, services);
    const registry = new RegistryAdapter();
    for (const t of pushTargets(project, services)) {
      process.stderr.write(`Pushing ${t.service} (${t.repo}:${t.tag})...\n`);
      const error = await registry.push(t.repo, t.tag, (e) => {
        const { text } = streamOutputText(e);
        if (text) process.stdout.write(text);
      });
      if (error === undefined) continue;
      // 1.29 prints the engine's words alone, and goes on only when told to.
      process.stderr.write(`${error}\n`);
      if (!ignore) throw new CliError('', 1);
    }
  });
  return cmd;
}
