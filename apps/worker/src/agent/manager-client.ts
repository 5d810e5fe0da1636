import {
  AGENT_API,
  FlotillaError,
  type AssignmentSet,
  type RegisterRequest,
  type RegisterResponse,
  type TaskReport,
} from '@flotilla/contracts';

/** The worker's only way to the manager: plain HTTP, bounded by timeouts. */
export class ManagerClient {
  private secret?: string;
  constructor(private readonly baseUrl: string) {}

  /** The node credential from registration, sent on every later call. */
  useSecret(secret: string) {
    this.secret = secret;
  }

  register(req: RegisterRequest): Promise<RegisterResponse> {
    return this.call('POST', `${AGENT_API}/nodes/register`, req);
  }

  assignments(nodeId: string): Promise<AssignmentSet> {
    return this.call('GET', `${AGENT_API}/nodes/${nodeId}/assignments`);
  }

  report(nodeId: string, reports: TaskReport[]): Promise<void> {
    return this.call('POST', `${AGENT_API}/nodes/${nodeId}/status`, { reports });
  }

  fingerprint(): Promise<{ fingerprint: string }> {
    return this.call('GET', `${AGENT_API}/cluster/fingerprint`);
  }

  heartbeat(nodeId: string): Promise<void> {
    return this.call('POST', `${AGENT_API}/nodes/${nodeId}/heartbeat`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.secret ? { authorization: `Bearer ${this.secret}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      throw new FlotillaError('unavailable', `cannot reach manager at ${this.baseUrl}: ${(e as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message: string }).message ?? text;
      } catch {
        /* plain-text error */
      }
      const code = res.status === 404 ? 'not_found' : res.status === 401 ? 'unauthorized' : res.status === 400 ? 'invalid_argument' : 'unavailable';
      throw new FlotillaError(code, message);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
