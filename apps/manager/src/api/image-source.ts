import type { IncomingMessage } from 'node:http';
import { FlotillaError } from '@flotilla/contracts';
import type { EngineEndpoint } from '../../../worker/src/docker/engine-endpoint';

/**
 * This manager's engine as the source of images for nodes that lack them
 * (the host `compose build` ran on): the ID a name points at, and its
 * `docker save` archive as a stream.
 */
export class ImageSource {
  constructor(private readonly engine: EngineEndpoint) {}

  /** The image's ID, or undefined when this engine has no image of that name. */
  async id(name: string): Promise<string | undefined> {
    return (await this.inspect(name))?.id;
  }

  /** The image's ID and size (bytes, as `docker image ls` counts them), or undefined when this engine has no such image. */
  inspect(name: string): Promise<{ id: string; size: number } | undefined> {
    return new Promise((resolve, reject) => {
      const out = this.engine.request({ method: 'GET', path: `/images/${encodeURIComponent(name)}/json`, timeout: 15_000 }, (answer) => {
        let body = '';
        answer.setEncoding('utf8');
        answer.on('data', (d: string) => (body += d));
        answer.on('end', () => {
          if (answer.statusCode === 404) return resolve(undefined);
          if ((answer.statusCode ?? 500) >= 300) return reject(new FlotillaError('unavailable', `${this.engine.label}: ${body.trim()}`));
          try {
            const image = JSON.parse(body) as { Id: string; Size?: number };
            resolve({ id: image.Id, size: image.Size ?? 0 });
          } catch (e) {
            reject(e as Error);
          }
        });
        answer.on('error', reject);
      });
      out.on('timeout', () => out.destroy(new Error(`${this.engine.label} did not answer an image inspect within 15 s`)));
      out.on('error', reject);
      out.end();
    });
  }

  /** `GET /images/{name}/get`: the tar archive, streamed as the engine writes it. */
  save(name: string): Promise<{ answer: IncomingMessage; cancel: () => void }> {
    return new Promise((resolve, reject) => {
      const out = this.engine.request({ method: 'GET', path: `/images/${encodeURIComponent(name)}/get` }, (answer) => {
        if ((answer.statusCode ?? 500) >= 300) {
          let body = '';
          answer.setEncoding('utf8');
          answer.on('data', (d: string) => (body += d));
          answer.on('end', () => reject(new FlotillaError('unavailable', `${this.engine.label}: image save of ${name} failed: ${body.trim()}`)));
          return;
        }
        resolve({ answer, cancel: () => out.destroy() });
      });
      out.on('error', reject);
      out.end();
    });
  }
}
