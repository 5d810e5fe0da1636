import Docker from 'dockerode';
import { DOCKER_HOST } from './env';

export const docker = new Docker(
  DOCKER_HOST.startsWith('unix://') ? { socketPath: DOCKER_HOST.slice(7) } : { host: DOCKER_HOST.replace(/^tcp:\/\//, '').split(':')[0], port: Number(DOCKER_HOST.split(':').pop()) },
);

export async function containersOf(project: string, all = true) {
  return docker.listContainers({ all, filters: { label: [`com.docker.compose.project=${project}`] } });
}

export async function networksOf(project: string) {
  return docker.listNetworks({ filters: { label: [`com.docker.compose.project=${project}`] } });
}

export async function volumesOf(project: string) {
  const r = await docker.listVolumes({ filters: { label: [`com.docker.compose.project=${project}`] } });
  return r.Volumes ?? [];
}

/** Polls until `fn` returns a truthy value or the time is up (bounded, for eventual checks only). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** Removes everything a test project left, whatever state the test ended in. */
export async function purgeProject(project: string) {
  for (const c of await containersOf(project)) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  for (const n of await networksOf(project)) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  for (const v of await volumesOf(project)) await docker.getVolume(v.Name).remove().catch(() => undefined);
}

/** Removes whatever containers of a swarm-style service a test left, whatever state it ended in. */
export async function purgeService(name: string) {
  const cs = await docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.name=${name}`] } });
  for (const c of cs) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
}
