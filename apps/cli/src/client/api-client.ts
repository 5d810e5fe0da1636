import {
  AGENT_API,
  type LogFrame,
  type StackDeployRequest,
  type StackDeployResult,
  type StackState,
} from '@flotilla/contracts';
import { CliError } from '../errors';
import { forEachLine } from './lines';

export type { StackState };


/** FLOTILLA_HOST accepts tcp://host:port, http://host:port or host:port, like DOCKER_HOST. */
export function managerUrl(host: string): string {
  const h = host.trim();
  if (/^https?:\/\//.test(h)) return h.replace(/\/$/, '');
  if (h.startsWith('tcp://')) return `http://${h.slice(6).replace(/\/$/, '')}`;
  return `http://${h}`;
}

/** The CLI's view of a manager's HTTP API. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async ping(timeoutMs = 1500): Promise<boolean> {
    try {
      const r = await fetch(`${this.baseUrl}/_ping`, { signal: AbortSignal.timeout(timeoutMs) });
      return r.ok;
    } catch {
      return false;
    }
  }

  deployStack(name: string, req: StackDeployRequest): Promise<StackDeployResult> {
    return this.json('POST', `${AGENT_API}/stacks/${encodeURIComponent(name)}`, req);
  }

  stack(name: string): Promise<StackState> {
    return this.json('GET', `${AGENT_API}/stacks/${encodeURIComponent(name)}`);
  }

  /** Starts again the slots of these ended tasks of the stack (and only those). */
  restartEnded(name: string, tasks: string[]): Promise<{ index: number; restarted: string[] }> {
    return this.json('POST', `${AGENT_API}/stacks/${encodeURIComponent(name)}/restart-ended`, { tasks });
  }

  removeStack(name: string, volumes: boolean): Promise<{ index: number; removed: string[] }> {
    return this.json('DELETE', `${AGENT_API}/stacks/${encodeURIComponent(name)}?volumes=${volumes ? 1 : 0}`);
  }

  /** Streams log frames until the server ends the response or `signal` aborts. */
  async logs(
    name: string,
    q: { service?: string; follow: boolean; tail?: string; timestamps: boolean },
    onFrame: (f: LogFrame) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const params = new URLSearchParams({ follow: q.follow ? '1' : '0', timestamps: q.timestamps ? '1' : '0' });
    if (q.service) params.set('service', q.service);
    if (q.tail !== undefined) params.set('tail', q.tail);
    const res = await this.fetch('GET', `${AGENT_API}/stacks/${encodeURIComponent(name)}/logs?${params}`, undefined, signal);
    if (!res.ok) throw new CliError(await errorText(res));
    if (!res.body) return;
    try {
      await forEachLine(res.body, (line) => onFrame(JSON.parse(line) as LogFrame));
    } catch (e) {
      if (signal?.aborted) return;
      throw e;
    }
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(method, path, body);
    if (!res.ok) throw new CliError(await errorText(res));
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async fetch(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    try {
      return await fetch(this.baseUrl + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new CliError(`cannot reach the flotilla manager at ${this.baseUrl}: ${(e as Error).message}`);
    }
  }
}

async function errorText(res: Response): Promise<string> {
  const text = await res.text();
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    return text || `HTTP ${res.status}`;
  }
}
