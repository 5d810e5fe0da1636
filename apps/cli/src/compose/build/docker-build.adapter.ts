import type Docker from 'dockerode';
import type { ImageBuild } from '@flotilla/compose';
import { packContext } from './context-tar';
import { renderBuildEvent, type BuildEvent } from './build-output';
import { unreachable } from '../engine-unreachable';
import { lazyDocker } from '../../client/lazy-docker';

/** Thin dockerode edge: the engine DOCKER_HOST names (the local node's), as docker-compose uses it. */
export class DockerBuildAdapter {
  private readonly docker: () => Promise<Docker>;

  constructor(docker?: Docker) {
    this.docker = lazyDocker(docker);
  }

  /** Fails with one line when the engine does not answer, before anything is printed or built. */
  async ping(): Promise<void> {
    await (await this.docker()).ping().catch(unreachable);
  }

  async hasImage(ref: string): Promise<boolean> {
    try {
      await (await this.docker()).getImage(ref).inspect();
      return true;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return false;
      return unreachable(e);
    }
  }

  /** Builds one image, writing the daemon's output as it comes; resolves with the error message of a failed build, if any. */
  async build(b: ImageBuild, out: (text: string) => void): Promise<string | undefined> {
    const docker = await this.docker();
    const stream = await docker
      .buildImage(packContext(b.context, b.dockerfile), {
      t: b.tag,
      dockerfile: b.dockerfile,
      buildargs: b.buildargs,
      labels: b.labels,
      ...(b.target ? { target: b.target } : {}),
      // The API takes cachefrom as a JSON list; dockerode would repeat the key instead.
      ...(b.cachefrom.length ? { cachefrom: JSON.stringify(b.cachefrom) } : {}),
      ...(b.networkmode ? { networkmode: b.networkmode } : {}),
      ...(b.shmsize !== undefined ? { shmsize: b.shmsize } : {}),
      ...(b.extrahosts ? { extrahosts: b.extrahosts } : {}),
      nocache: b.nocache,
      pull: b.pull,
      rm: b.rm,
    } as Docker.ImageBuildOptions)
      .catch(unreachable);
    let failure: string | undefined;
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve()),
        (e: BuildEvent) => {
          const r = renderBuildEvent(e);
          if (r.text) out(r.text);
          if (r.error && failure === undefined) failure = r.error;
        },
      ),
    );
    return failure;
  }
}
