import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { FlotillaError } from '@flotilla/contracts';

/** Something that carries one Docker API request to an engine: this host's socket, or another node's relay. */
export interface EngineCaller {
  readonly label: string;
  request(opts: RequestOptions, onAnswer: (answer: IncomingMessage) => void): ClientRequest;
}

/**
 * One engine as a source of images for nodes that lack them: the ID a name
 * points at (and its size), and its `docker save` archive as a stream. `dial` gives a caller
 * per request (a relayed connection carries one call).
 */
export class ImageSource {
  constructor(
    readonly label: string,
    private readonly dial: () => Promise<EngineCaller>,
  ) {}

  /** The image's ID and size (bytes, as `docker image ls` counts them), or undefined when this engine has no such image. */
  async inspect(name: string): Promise<{ id: string; size: number } | undefined> {
    const engine = await this.dial();
    return new Promise((resolve, reject) => {
      const out = engine.request({ method: 'GET', path: `/images/${encodeURIComponent(name)}/json`, timeout: 15_000 }, (answer) => {
        let body = '';
        answer.setEncoding('utf8');
        answer.on('data', (d: string) => (body += d));
        answer.on('end', () => {
          if (answer.statusCode === 404) return resolve(undefined);
          if ((answer.statusCode ?? 500) >= 300) return reject(new FlotillaError('unavailable', `${engine.label}: ${body.trim()}`));
          try {
            const image = JSON.parse(body) as { Id: string; Size?: number };
            resolve({ id: image.Id, size: image.Size ?? 0 });
          } catch (e) {
            reject(e as Error);
          }
        });
        answer.on('error', reject);
      });
      out.on('timeout', () => out.destroy(new Error(`${engine.label} did not answer an image inspect within 15 s`)));
      out.on('error', reject);
      out.end();
    });
  }

  /** `GET /images/{name}/get`: the tar archive, streamed as the engine writes it. */
  async save(name: string): Promise<{ answer: IncomingMessage; cancel: () => void }> {
    const engine = await this.dial();
    return new Promise((resolve, reject) => {
      const out = engine.request({ method: 'GET', path: `/images/${encodeURIComponent(name)}/get` }, (answer) => {
        if ((answer.statusCode ?? 500) >= 300) {
          let body = '';
          answer.setEncoding('utf8');
          answer.on('data', (d: string) => (body += d));
          answer.on('end', () => reject(new FlotillaError('unavailable', `${engine.label}: image save of ${name} failed: ${body.trim()}`)));
          return;
        }
        resolve({ answer, cancel: () => out.destroy() });
      });
      out.on('error', reject);
      out.end();
    });
  }
}

/**
 * The first source, in the order given, whose engine has `name` (under the ID `want`, when given),
 * with the ID it has there. The first (this manager's own engine) is asked alone: the
 * usual case costs no relay. The others are asked at once; an answer is taken
 * once every source before it has answered (or failed: a node that cannot be
 * reached holds nothing).
 */
export async function findImage<S extends Pick<ImageSource, 'inspect'>>(
  sources: S[],
  name: string,
  want?: string,
): Promise<{ source: S; id: string; size: number } | undefined> {
  // With an ID wanted, a source whose name points at another build (an older one) holds nothing.
  const has = (x: { id: string; size: number } | undefined) => (x && (want === undefined || x.id === want) ? x : undefined);
  const [first, ...others] = sources;
  const image = first && has(await first.inspect(name).catch(() => undefined));
  if (image) return { source: first, ...image };
  const asked = others.map((s) => s.inspect(name).then(has, () => undefined));
  for (const [i, p] of asked.entries()) {
    const found = await p;
    if (found) return { source: others[i], ...found };
  }
  return undefined;
}
