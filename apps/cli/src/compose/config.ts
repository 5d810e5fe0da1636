import { Command } from 'commander';
import { dependencyOrder, profileNames, renderConfig, renderConfig129, serviceNames, volumeNames, type ComposeProject } from '@flotilla/compose';
import { LocalEngine } from './engine.adapter';
import { resolveImageDigests } from './verbs/image-digests';
import { CliError } from '../errors';
import { serviceHashes } from './verbs/service-hashes';
import { addProjectOptions, load, printWarnings, projectOptions } from './project-options';

export function configCommand(): Command {
  const cmd = new Command('config')
    .description('Validate and view the Compose file (as docker-compose 1.29 prints it; --format json: the Compose Specification shape)')
    .option('-q, --quiet', 'only validate the configuration, print nothing')
    .option('--services', 'print the service names, one per line')
    .option('--volumes', 'print the volume names, one per line')
    .option('--profiles', 'print the profile names, one per line')
    .option('--hash <SERVICES>', 'print the service config hash, one per line ("*" for all, or "s1,s2")')
    .option('--resolve-image-digests', 'pin image tags to digests (from the engine DOCKER_HOST names, or the image\'s registry)')
    .option('--no-interpolate', "don't interpolate environment variables")
    .option('--format <FORMAT>', 'yaml (docker-compose 1.29\'s output) or json (normalised, Compose Specification shape)', 'yaml');
  addProjectOptions(cmd);
  cmd.action(async () => {
    const o = cmd.opts<{ quiet?: boolean; services?: boolean; volumes?: boolean; profiles?: boolean; hash?: string; format: string; interpolate: boolean; resolveImageDigests?: boolean }>();
    if (o.format !== 'yaml' && o.format !== 'json') throw new CliError(`--format must be yaml or json, got ${o.format}`);
    const project = load(projectOptions(cmd), { interpolate: o.interpolate });
    // As 1.29: digests are resolved before anything is printed (-q included), so their errors are the verb's.
    const digests = o.resolveImageDigests ? await resolveImageDigests(digestCandidates(project), new LocalEngine()) : undefined;
    if (o.quiet) return;
    printWarnings(project);
    // As 1.29's print('\n'.join(...)): an empty list is one empty line.
    const lines = (xs: string[]) => void process.stdout.write(xs.join('\n') + '\n');
    if (o.services) return lines(serviceNames(project));
    if (o.volumes) return lines(volumeNames(project));
    if (o.profiles) return lines(profileNames(project));
    if (o.hash !== undefined) return void process.stdout.write((await serviceHashes(project, o.hash, new LocalEngine())).map((x) => x + '\n').join(''));
    process.stdout.write(o.format === 'json' ? pinnedJson(renderConfig(project, 'json'), digests) : renderConfig129(project, { escapeDollar: o.interpolate, imageDigests: digests }));
  });
  return cmd;
}

/** The services in 1.29's order, with `image:` as the file wrote it and whether they build. */
function digestCandidates(project: ComposeProject) {
  const raw = project.source?.services ?? {};
  return dependencyOrder(project).map((name) => {
    const image = raw[name]?.image;
    return { service: name, image: typeof image === 'string' && image !== '' ? image : undefined, build: raw[name]?.build !== undefined };
  });
}

/** The Compose Specification shape with each service's image pinned. */
function pinnedJson(json: string, digests: ReadonlyMap<string, string> | undefined): string {
  if (!digests) return json;
  const doc = JSON.parse(json) as { services?: Record<string, { image?: string }> };
  for (const [name, ref] of digests) if (doc.services?.[name]) doc.services[name].image = ref;
  return JSON.stringify(doc, null, 2) + '\n';
}
