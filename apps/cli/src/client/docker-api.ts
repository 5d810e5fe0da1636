import { errorMessageOf, type Cluster, type Service, type ServiceSpec, type SwarmNode, type Task, type NodeSpec } from '@flotilla/contracts';
import { CliError } from '../errors';

export interface Info {
  Swarm: { NodeID: string; NodeAddr: string; LocalNodeState?: string; RemoteManagers?: { NodeID: string; Addr: string }[] };
}

/** The manager's Docker-compatible API, as flotilla's own CLI uses it (the same calls the docker CLI makes). */
export class DockerApi {
  constructor(private readonly baseUrl: string) {}

  info(): Promise<Info> {
    return this.call('GET', '/v1.41/info');
  }
  swarm(): Promise<Cluster> {
    return this.call('GET', '/v1.41/swarm');
  }
  updateSwarm(version: number, spec: Cluster['Spec'], rotate: { worker: boolean; manager: boolean; unlockKey?: boolean }): Promise<void> {
    return this.call(
      'POST',
      `/v1.41/swarm/update?version=${version}&rotateWorkerToken=${rotate.worker}&rotateManagerToken=${rotate.manager}&rotateManagerUnlockKey=${rotate.unlockKey ?? false}`,
      spec,
    );
  }
  unlockKey(): Promise<{ UnlockKey: string }> {
    return this.call('GET', '/v1.41/swarm/unlockkey');
  }
  unlock(key: string): Promise<void> {
    return this.call('POST', '/v1.41/swarm/unlock', { UnlockKey: key });
  }
  services(filters?: Record<string, string[]>, status = false): Promise<Service[]> {
    return this.call('GET', `/v1.41/services?${query(filters)}${status ? '&status=true' : ''}`);
  }
  service(ref: string): Promise<Service> {
    return this.call('GET', `/v1.41/services/${encodeURIComponent(ref)}?insertDefaults=false`);
  }
  createService(spec: ServiceSpec): Promise<{ ID: string }> {
    return this.call('POST', '/v1.41/services/create', spec);
  }
  updateService(id: string, version: number, spec: ServiceSpec, rollback = false): Promise<void> {
    return this.call('POST', `/v1.41/services/${id}/update?version=${version}${rollback ? '&rollback=previous' : ''}`, spec);
  }
  removeService(ref: string): Promise<void> {
    return this.call('DELETE', `/v1.41/services/${encodeURIComponent(ref)}`);
  }
  tasks(filters?: Record<string, string[]>): Promise<Task[]> {
    return this.call('GET', `/v1.41/tasks?${query(filters)}`);
  }
  nodes(): Promise<SwarmNode[]> {
    return this.call('GET', '/v1.41/nodes');
  }
  node(ref: string): Promise<SwarmNode> {
    return this.call('GET', `/v1.41/nodes/${encodeURIComponent(ref)}`);
  }
  updateNode(id: string, version: number, spec: NodeSpec): Promise<void> {
    return this.call('POST', `/v1.41/nodes/${id}/update?version=${version}`, spec);
  }
  removeNode(ref: string, force: boolean): Promise<void> {
    return this.call('DELETE', `/v1.41/nodes/${encodeURIComponent(ref)}?force=${force}`);
  }

  /** `/services/{id}/logs` as a byte stream (Docker's 8-byte frames unless the service has a TTY). */
  async serviceLogs(id: string, q: { follow: boolean; tail: string; timestamps: boolean }, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const qs = new URLSearchParams({ stdout: '1', stderr: '1', details: '1', follow: q.follow ? '1' : '0', tail: q.tail, timestamps: q.timestamps ? '1' : '0' });
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/services/${encodeURIComponent(id)}/logs?${qs}`, { signal });
    } catch (e) {
      throw new CliError(`cannot reach the flotilla manager at ${this.baseUrl}: ${(e as Error).message}`);
    }
    if (!res.ok || !res.body) {
      const text = await res.text();
      const message = errorMessageOf(text);
      throw new CliError(`Error response from daemon: ${message}`);
    }
    return res.body;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new CliError(`cannot reach the flotilla manager at ${this.baseUrl}: ${(e as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      const message = errorMessageOf(text);
      throw new CliError(`Error response from daemon: ${message}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

function query(filters?: Record<string, string[]>): string {
  if (!filters || Object.keys(filters).length === 0) return '';
  const f: Record<string, Record<string, boolean>> = {};
  for (const [k, vs] of Object.entries(filters)) f[k] = Object.fromEntries(vs.map((v) => [v, true]));
  return `filters=${encodeURIComponent(JSON.stringify(f))}`;
}
