import type Docker from 'dockerode';
import { LABEL } from '@flotilla/contracts';
import { lazyDocker } from '../client/lazy-docker';
import { unreachable } from './engine-unreachable';

/**
 * The local node's engine (DOCKER_HOST), for what the manager's API has no verb for: stopping task
 * containers with `-t N`, killing them on a second Ctrl+C, removing images (`down --rmi`), the image
 * and container IDs docker-compose 1.29 hashes (`config --hash`).
 * Containers on other nodes are left to the cluster (their service's stop grace period).
 */
export class LocalEngine {
  private readonly docker: () => Promise<Docker>;

  constructor(docker?: Docker) {
    this.docker = lazyDocker(docker);
  }

  /** Running containers of these tasks that live on this engine, by task id. */
  async containersOf(taskIds: ReadonlySet<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    try {
      const list = await (await this.docker()).listContainers({ filters: { label: [LABEL.swarmTaskId] } });
      for (const c of list) {
        const task = c.Labels?.[LABEL.swarmTaskId];
        if (task && taskIds.has(task)) out.set(task, c.Id);
      }
    } catch {
      // No local engine: nothing to act on here; the cluster still stops its containers.
    }
    return out;
  }

  /** `docker stop -t N`; a container already gone is stopped enough. */
  async stop(id: string, seconds: number): Promise<void> {
    await (await this.docker()).getContainer(id).stop({ t: seconds }).catch(ignoreGone);
  }

  async kill(id: string): Promise<void> {
    await (await this.docker()).getContainer(id).kill().catch(ignoreGone);
  }

  /** Removes an image by reference; false when there is none (1.29 warns and goes on). */
  async removeImage(ref: string): Promise<boolean> {
    try {
      await (await this.docker()).getImage(ref).remove();
      return true;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return false;
      throw e;
    }
  }

  /** An image's RepoDigests; undefined when the engine has no such image. */
  async repoDigests(ref: string): Promise<string[] | undefined> {
    try {
      return (await (await this.docker()).getImage(ref).inspect()).RepoDigests ?? [];
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw e;
    }
  }

  /** Fails with one line when the engine does not answer (1.29 needs it for `config --hash` and fails the same). */
  async ping(): Promise<void> {
    await (await this.docker()).ping().catch(unreachable);
  }

  /** An image's local ID; null when the engine has no such image. */
  async imageId(ref: string): Promise<string | null> {
    return (await idOrMissing(async () => (await (await this.docker()).getImage(ref).inspect()).Id)) ?? null;
  }

  /** A container's full ID by name or ID; undefined when there is none. */
  async containerId(nameOrId: string): Promise<string | undefined> {
    return idOrMissing(async () => (await (await this.docker()).getContainer(nameOrId).inspect()).Id);
  }

  /** The first running container docker-compose 1.29 counts as a project's service's (its labels), if any. */
  async composeContainer(project: string, service: string): Promise<string | undefined> {
    const label = [`${LABEL.composeProject}=${project}`, `${LABEL.composeService}=${service}`, `${LABEL.composeOneoff}=False`];
    const list = await (await this.docker()).listContainers({ filters: { label } }).catch(unreachable);
    return list[0]?.Id;
  }

  /** The digest a registry holds for a name (the engine asks it: /distribution/NAME/json). */
  async registryDigest(ref: string): Promise<string | undefined> {
    const d = (await (await this.docker()).getImage(ref).distribution()) as { Descriptor?: { digest?: string } };
    return d.Descriptor?.digest;
  }
}

function ignoreGone(e: unknown) {
  const code = (e as { statusCode?: number }).statusCode;
  // 304: already stopped; 404: already removed; 409: not running (kill).
  if (code === 304 || code === 404 || code === 409) return;
  throw e;
}

/** An inspect's ID; undefined when the engine has no such object, its one-line error when it does not answer. */
async function idOrMissing(inspect: () => Promise<string>): Promise<string | undefined> {
  try {
    return await inspect();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    return unreachable(e);
  }
}
