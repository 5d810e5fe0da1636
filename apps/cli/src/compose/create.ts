import { Command } from 'commander';
import { composeStack } from './compose-stack';
import { connect } from '../client/local-cluster';
import { addProjectOptions, checkServices, load, printWarnings, projectOptions } from './project-options';
import { builtImageIds } from './built-image-ids';
import { buildImages } from './build/build-images';
import { createdStack } from './verbs/created-stack';
import { containerName } from './container-name';
import { scaleWarnings } from './verbs/scale-warnings';
import { logLine, progressLines } from './verbs/verb-format';

/**
 * `compose create [SERVICE...]`: deploys the services stopped. Swarm has no
 * "created" container: a created service runs 0 tasks until `start`.
 */
export function createCommand(): Command {
  const cmd = new Command('create')
    .description('Creates containers for a service (deprecated: use `up --no-start`)')
    .argument('[SERVICE...]')
    .option('--force-recreate', 'accepted for compatibility')
    .option('--no-recreate', 'accepted for compatibility')
    .option('--build', 'build images before creating containers')
    .option('--no-build', "don't build an image, even if it's missing");
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const o = cmd.opts<{ build?: boolean }>();
    const project = load(projectOptions(cmd));
    printWarnings(project);
    checkServices(project, services);
    // 1.29 prints this through its logger, without a level, when stderr is not a terminal.
    process.stderr.write('The create command is deprecated. Use the up command with the --no-start flag instead.\n');
    const keep = (s: { Labels?: Record<string, string> }) => services.length === 0 || services.includes(s.Labels?.['com.docker.compose.service'] ?? '');
    await buildImages(project, composeStack(project).services.filter(keep).map((s) => s.Labels?.['com.docker.compose.service'] ?? s.Name), {
      policy: o.build === true ? 'always' : o.build === false ? 'never' : 'missing',
    });
    // Built images' IDs label their containers (see builtImageIds), as `up` deploys them.
    const full = composeStack(project, { imageIds: await builtImageIds(project) });
    const stack = { ...full, services: full.services.filter(keep) };
    const { client } = await connect({ autostart: true });
    const result = await client.deployStack(project.name, createdStack(stack, await client.stack(project.name)));
    const created = new Set(result.created);
    // 1.29 creates service by service: each its own progress block, names padded within it.
    for (const s of stack.services.filter((x) => created.has(x.Name))) {
      const svc = s.Labels?.['com.docker.compose.service'] ?? s.Name;
      const n = 'Replicated' in s.Mode ? (s.Mode.Replicated.Replicas ?? 1) : 1;
      for (const w of scaleWarnings(project.services[svc], n)) process.stderr.write(logLine('warning', w, !!process.stderr.isTTY));
      const lines = progressLines('Creating', Array.from({ length: n }, (_, i) => containerName(project.name, svc, i + 1, s.TaskTemplate.ContainerSpec.ContainerName)), 'done', !!process.stderr.isTTY);
      process.stderr.write(lines.start + lines.end);
    }
    for (const n of result.unchanged) process.stderr.write(`${n} is up-to-date\n`);
  });
  return cmd;
}
