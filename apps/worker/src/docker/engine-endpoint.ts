import { Agent, request, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { connect, type Socket } from 'node:net';
import { dockerOptions } from './docker.adapter';

/**
 * Where this node's dockerd listens (DOCKER_HOST / --docker-host), as Node's http and net want it: raw
 * HTTP for what passes bytes through (the manager's engine endpoint, the worker's relay), not dockerode calls.
 */
export class EngineEndpoint {
  readonly label: string;
  private readonly at: { socketPath: string } | { host: string; port: number };
  /**
   * Kept-alive connections: asked to close, dockerd may hang up right after
   * answering while Node still ends the request, and the answer is lost to EPIPE.
   */
  private readonly agent = new Agent({ keepAlive: true });

  constructor(dockerHost: string | undefined) {
    const { opts, label } = dockerOptions(dockerHost);
    this.label = label;
    this.at = opts.socketPath ? { socketPath: opts.socketPath } : { host: opts.host as string, port: Number(opts.port) };
  }

  /** One HTTP request to the engine; a stream (logs -f, stats) holds its connection until it ends. */
  request(opts: RequestOptions, onAnswer: (answer: IncomingMessage) => void): ClientRequest {
    return request({ ...opts, ...this.at, agent: this.agent }, onAnswer);
  }

  /** A raw connection to the engine, for hijacked streams; half-open so stdin's end reaches the exec. */
  connect(): Socket {
    return 'socketPath' in this.at ? connect({ path: this.at.socketPath, allowHalfOpen: true }) : connect({ ...this.at, allowHalfOpen: true });
  }

  /** GET a JSON document from the engine, bounded in time. */
  async getJson<T>(path: string, timeoutMs = 10_000): Promise<T> {
    const doc = await this.findJson<T>(path, timeoutMs, false);
    return doc as T;
  }

  /** GET a JSON document; undefined when the engine answers 404 (no such container, exec…). */
  findJson<T>(path: string, timeoutMs = 10_000, missingIsUndefined = true): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      const out = this.request({ method: 'GET', path, timeout: timeoutMs }, (answer) => {
        let body = '';
        answer.setEncoding('utf8');
        answer.on('data', (d: string) => (body += d));
        answer.on('end', () => {
          if (answer.statusCode === 404 && missingIsUndefined) return resolve(undefined);
          if ((answer.statusCode ?? 500) >= 300) return reject(new Error(`${this.label} answered ${answer.statusCode} to ${path}: ${body.trim()}`));
          try {
            resolve(JSON.parse(body) as T);
          } catch (e) {
            reject(e as Error);
          }
        });
        answer.on('error', reject);
      });
      out.on('timeout', () => out.destroy(new Error(`${this.label} did not answer ${path} within ${timeoutMs} ms`)));
      out.on('error', reject);
      out.end();
    });
  }
}
