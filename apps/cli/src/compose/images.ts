import { Command } from 'commander';
import { errorMessageOf } from '@flotilla/contracts';
import { connect } from '../client/local-cluster';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { isStopped, liveTasks, servicesByName } from './verbs/project-services';
import { containerName } from './container-name';
import { stoppedReplicas } from './verbs/stopped';
import { imagesTable, type ImageRow } from './verbs/verb-format';

interface ImageInspect {
  Id: string;
  RepoTags?: string[];
  Size: number;
}

/**
 * `compose images [-q] [SERVICE...]`: the images of the project's task
 * containers, inspected on the manager's own engine (through its Docker
 * endpoint): on a multi-node cluster an image only another node holds is
 * reported as missing there.
 */
export function imagesCommand(): Command {
  const cmd = new Command('images').description('List images used by the created containers').argument('[SERVICE...]').option('-q, --quiet', 'only display IDs');
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const o = cmd.opts<{ quiet?: boolean }>();
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    const { client } = await connect({ autostart: false });
    const state = await client.stack(project.name);
    const cache = new Map<string, Promise<ImageInspect>>();
    const inspect = (ref: string) => {
      if (!cache.has(ref)) cache.set(ref, inspectImage(client.baseUrl, ref));
      return cache.get(ref)!;
    };
    const rows: ImageRow[] = [];
    for (const [name, s] of servicesByName(state, services)) {
      for (const t of liveTasks(state, s)) {
        const ref = t.Spec.ContainerSpec.Image;
        const img = await inspect(ref);
        rows.push({ container: containerName(project.name, name, t.Slot || t.NodeID || '', t.Spec.ContainerSpec.ContainerName), repoTags: img.RepoTags ?? [], wanted: ref.split('@')[0], id: img.Id, size: img.Size });
      }
      // A stopped (or only created) service's containers, as `ps` lists them: 1.29 shows their images too.
      const ref = s.Spec.TaskTemplate.ContainerSpec.Image;
      for (let i = 1; isStopped(s) && i <= (stoppedReplicas(s) ?? 0); i++) {
        const img = await inspect(ref);
        rows.push({ container: containerName(project.name, name, i, s.Spec.TaskTemplate.ContainerSpec.ContainerName), repoTags: img.RepoTags ?? [], wanted: ref.split('@')[0], id: img.Id, size: img.Size });
      }
    }
    if (o.quiet) {
      // 1.29 prints the set of image IDs (full, without "sha256:").
      const ids = [...new Set(rows.map((r) => r.id.replace(/^sha256:/, '')))];
      process.stdout.write(ids.map((i) => i + '\n').join(''));
      return;
    }
    process.stdout.write(imagesTable(rows));
  });
  return cmd;
}

async function inspectImage(baseUrl: string, ref: string): Promise<ImageInspect> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/v1.41/images/${ref.split('/').map(encodeURIComponent).join('/')}/json`);
  } catch (e) {
    throw new CliError(`cannot reach the flotilla manager at ${baseUrl}: ${(e as Error).message}`);
  }
  const text = await res.text();
  if (res.status === 404) return { Id: '<none>', RepoTags: [], Size: 0 };
  if (!res.ok) throw new CliError(`Error response from daemon: ${errorMessageOf(text)}`);
  return JSON.parse(text) as ImageInspect;
}
