import Docker from 'dockerode';
import type { ProgressEvent } from './registry-plan';

/** Thin dockerode edge for `compose push`/`pull`: the engine DOCKER_HOST names, as docker-compose uses it. */
export class RegistryAdapter {
  constructor(private readonly docker = new Docker()) {}

  /** Pushes `repo:tag`, handing each event on; resolves with the engine's error message, if any. */
  async push(repo: string, tag: string, onEvent: (e: ProgressEvent) => void): Promise<string | undefined> {
    try {
      const stream = (await this.docker.getImage(repo).push({ tag } as object)) as NodeJS.ReadableStream;
      return await this.follow(stream, onEvent);
    } catch (e) {
      return apiMessage(e);
    }
  }

  /** Pulls `repo:tag`; resolves with the error (and whether the registry had no such image), if any. */
  /** `stream`: the engine took the request and failed in its progress stream (1.29's StreamOutputError). */
  async pull(repo: string, tag: string, onEvent: (e: ProgressEvent) => void): Promise<{ error: string; notFound: boolean; stream?: boolean } | undefined> {
    try {
      const stream = (await this.docker.pull(`${repo}:${tag}`)) as NodeJS.ReadableStream;
      const err = await this.follow(stream, onEvent);
      return err === undefined ? undefined : { error: err, notFound: false, stream: true };
    } catch (e) {
      return { error: apiMessage(e), notFound: (e as { statusCode?: number }).statusCode === 404 };
    }
  }

  /** Reads the JSON-lines stream to its end; the first error event's message, if any. */
  private follow(stream: NodeJS.ReadableStream, onEvent: (e: ProgressEvent) => void): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      let error: string | undefined;
      this.docker.modem.followProgress(
        stream,
        (err) => (err && !error ? reject(err) : resolve(error)),
        (e: ProgressEvent) => {
          if (e.errorDetail || e.error) error ??= e.errorDetail?.message ?? e.error;
          onEvent(e);
        },
      );
    });
  }
}

/** What the engine said, without dockerode's `(HTTP code …)` prefix: the text 1.29 prints (the API error's explanation). */
function apiMessage(e: unknown): string {
  const m = (e as { json?: { message?: string }; message?: string })?.json?.message ?? (e as Error)?.message ?? String(e);
  return String(m).replace(/^\(HTTP code \d+\) [a-z ]+ - /, '').trim();
}
