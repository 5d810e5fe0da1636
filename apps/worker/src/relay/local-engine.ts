import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { dockerOptions } from '../docker/docker.adapter';

/** This node's dockerd as raw HTTP, for the engine relay (which passes bytes, not dockerode calls). */
export class LocalEngine {
  readonly label: string;
  private readonly at: { socketPath: string } | { host: string; port: number };

  constructor(dockerHost: string | undefined) {
    const { opts, label } = dockerOptions(dockerHost);
    this.label = label;
    this.at = opts.socketPath ? { socketPath: opts.socketPath } : { host: opts.host as string, port: Number(opts.port) };
  }

  /** A raw connection, half-open so the end of stdin reaches an exec. */
  connect(): Socket {
    return 'socketPath' in this.at ? connect({ path: this.at.socketPath, allowHalfOpen: true }) : connect({ ...this.at, allowHalfOpen: true });
  }

  /** GET a JSON document; undefined on 404. */
  getJson<T>(path: string, timeoutMs = 10_000): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      const out = request({ ...this.at, method: 'GET', path, timeout: timeoutMs }, (answer) => {
        let body = '';
        answer.setEncoding('utf8');
        answer.on('data', (d: string) => (body += d));
        answer.on('end', () => {
          if (answer.statusCode === 404) return resolve(undefined);
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
