import { configHash129, engineQuestions129, ProjectError129, serviceNames, serviceOptions129, type ComposeProject, type EngineFacts129 } from '@flotilla/compose';
import { CliError } from '../../errors';
import { hashTargets } from './config-hash';

/** What `config --hash` asks the engine DOCKER_HOST names (LocalEngine; a fake in tests). */
export interface HashEngine {
  ping(): Promise<void>;
  imageId(ref: string): Promise<string | null>;
  containerId(nameOrId: string): Promise<string | undefined>;
  composeContainer(project: string, service: string): Promise<string | undefined>;
}

/** 1.29's words for a `container:X` naming no container. */
const MISSING = {
  ipc: (s: string, c: string) => `Service '${s}' uses the IPC namespace of container '${c}' which does not exist.`,
  network: (s: string, c: string) => `Service '${s}' uses the network stack of container '${c}' which does not exist.`,
  pid: (s: string, c: string) => `Service '${s}' uses the PID namespace of container '${c}' which does not exist.`,
  volumes_from: (s: string, c: string) => `Service "${s}" mounts volumes from "${c}", which is not the name of a service or container.`,
};

/**
 * `SERVICE HASH` lines for `config --hash`, in the project's service order, with docker-compose 1.29's
 * values. In 1.29's order of failures: no engine first (it connects before anything), then a
 * `container:X` (ipc, network_mode, pid, volumes_from) naming no container, or a deploy restart condition it has no
 * policy for, then an unknown service.
 */
export async function serviceHashes(project: ComposeProject, arg: string, engine: HashEngine): Promise<string[]> {
  const all = serviceNames(project);
  const { names, unknown } = hashTargets(arg, all);
  await engine.ping();
  const containerIds = new Map<string, string>();
  for (const c of engineQuestions129(project, all).containers) {
    const id = await engine.containerId(c.name);
    if (id === undefined) throw new CliError(MISSING[c.use](c.service, c.name));
    containerIds.set(c.name, id);
  }
  try {
    for (const n of all) serviceOptions129(project, n);
  } catch (e) {
    throw e instanceof ProjectError129 ? new CliError(e.message) : e;
  }
  if (unknown !== undefined) throw new CliError(`No such service: ${unknown}`);
  // `*` is 1.29's every enabled service, and it counts `profiles: []` as enabled under no profile; named ones count anyway.
  const noProfile = (n: string) => Array.isArray(project.source?.services[n]?.profiles) && (project.source.services[n].profiles as unknown[]).length === 0;
  const targets = all.filter((n) => names.includes(n) && !(arg === '*' && noProfile(n)));
  const q = engineQuestions129(project, targets);
  const facts: EngineFacts129 = { imageIds: new Map(), containerIds, serviceContainers: new Map() };
  for (const image of q.images) (facts.imageIds as Map<string, string | null>).set(image, await engine.imageId(image));
  for (const s of q.services) {
    const id = await engine.composeContainer(project.name, s);
    if (id !== undefined) (facts.serviceContainers as Map<string, string>).set(s, id);
  }
  return targets.map((n) => `${n} ${configHash129(project, n, facts)}`);
}
