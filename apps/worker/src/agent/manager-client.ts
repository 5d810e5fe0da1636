import { PassThrough, pipeline, type Readable } from 'node:stream';
import {
  AGENT_API,
  IMAGE_ID_HEADER,
  IMAGE_SIZE_HEADER,
  imageShipPath,
  FlotillaError,
  type AssignmentSet,
  type CertificateResponse,
  type HeartbeatRequest, type HeartbeatResponse,
  type RegisterRequest,
  type RegisterResponse,
  type TaskReport,
} from '@flotilla/contracts';
import { NodeTls, readText, send, type Answer } from './manager-tls';
import type { LocalManager } from './local-manager';

/**
 * The worker's only way to the managers: mutual TLS once it has its certificate (plain HTTP
 * only to its own host's manager before that), bounded by timeouts. It
 * starts with the manager it joined through and learns the others from every
 * registration and assignment set; when the one it uses stops answering, the
 * next call goes to another (any manager forwards to the leader).
 */
export class ManagerClient {
  private secret?: string;
  private urls: string[];
  private current = 0;

  constructor(
    baseUrl: string,
    readonly tls: NodeTls = new NodeTls(),
  ) {
    this.urls = [baseUrl];
  }

  /** The manager currently used. */
  get baseUrl(): string {
    return this.urls[this.current];
  }

  /** Keeps the one in use and the one joined through; adds the managers the cluster names now. */
  learnManagers(addrs: readonly string[] | undefined): void {
    if (!addrs?.length) return;
    const using = this.baseUrl;
    const next = [...new Set([using, this.urls[0], ...addrs.map((a) => `http://${a}`)])];
    this.urls = next;
    this.current = next.indexOf(using);
  }

  /** Whether host:port is a manager this worker knows (joined through, or named by the cluster). */
  knows(hostPort: string): boolean {
    return this.urls.includes(`http://${hostPort}`);
  }

  /** The node credential, for connections this worker opens itself (the engine relay). */
  get credential(): string | undefined {
    return this.secret;
  }

  /** The node credential from registration, sent on every later call. */
  useSecret(secret: string) {
    this.secret = secret;
  }

  /** The manager this worker runs inside (a manager's own worker): asked first, the network when it cannot answer. */
  private local?: LocalManager;
  useLocal(local: LocalManager) {
    this.local = local;
  }

  async register(req: RegisterRequest): Promise<RegisterResponse> {
    const r = await this.call<RegisterResponse>('POST', `${AGENT_API}/nodes/register`, req);
    this.learnManagers(r.managers);
    return r;
  }

  /** A certificate for a fresh key, asked over this node's mutual TLS (its current certificate names it). */
  renewCertificate(nodeId: string, req: { publicKeyPem: string; ips: string[]; hostname?: string }): Promise<CertificateResponse> {
    return this.call<CertificateResponse>('POST', `${AGENT_API}/nodes/${nodeId}/certificate`, req);
  }

  /** The node's set; with `since` (the index of the set it holds) possibly only what changed after it. */
  async assignments(nodeId: string, since?: number): Promise<AssignmentSet> {
    const here = this.local?.assignments(nodeId, since);
    const set = here !== undefined ? (JSON.parse(here) as AssignmentSet) : await this.call<AssignmentSet>('GET', `${AGENT_API}/nodes/${nodeId}/assignments${since === undefined ? '' : `?since=${since}`}`);
    this.learnManagers(set.managers);
    this.onNodeCallAnswered?.();
    return set;
  }

  async report(nodeId: string, reports: TaskReport[]): Promise<void> {
    await (this.local?.report(nodeId, reports) ?? this.call('POST', `${AGENT_API}/nodes/${nodeId}/status`, { reports }));
    this.onNodeCallAnswered?.();
  }

  /** Told when a manager answered a fetch or a report of this node (each is a sign of life to it, as a beat is). */
  onNodeCallAnswered?: () => void;

  fingerprint(): Promise<{ fingerprint: string }> {
    return this.call('GET', `${AGENT_API}/cluster/fingerprint`);
  }

  heartbeat(nodeId: string, body?: HeartbeatRequest): Promise<HeartbeatResponse | undefined> {
    const here = this.local?.heartbeat(nodeId, body);
    return here !== undefined ? Promise.resolve(here) : this.call<HeartbeatResponse | undefined>('POST', `${AGENT_API}/nodes/${nodeId}/heartbeat`, body);
  }

  /**
   * The archive (`docker save`) of an image one of this node's tasks needs, streamed
   * from a manager's engine, with the image ID (and size, for progress) that manager announced.
   */
  async fetchImage(nodeId: string, image: string, want?: string): Promise<{ id: string | undefined; size?: number; body: Readable }> {
    let last: unknown;
    for (let i = 0; i < this.urls.length; i++) {
      const idx = (this.current + i) % this.urls.length;
      // Only the wait for the answer's head is bounded: the body takes as long as the image is big.
      let res: Answer;
      try {
        res = await send((o) => this.tls.request(this.urls[idx], imageShipPath(nodeId, image, want), o), {
          headers: this.secret ? { authorization: `Bearer ${this.secret}` } : {},
          timeoutMs: 30_000,
        });
      } catch (e) {
        last = new FlotillaError('unavailable', `cannot reach manager at ${this.urls[idx]}: ${(e as Error).message}`);
        continue;
      }
      if (res.status >= 300) throw new FlotillaError(res.status === 404 ? 'not_found' : 'unavailable', errorMessage(await readText(res.body)));
      this.current = idx;
      const id = res.headers[IMAGE_ID_HEADER.toLowerCase()];
      // A few MB read ahead of the engine's load: the manager's sending is not held to each 16 KB the engine takes.
      const body = new PassThrough({ highWaterMark: 4 << 20 });
      // pipeline, not pipe: a connection lost midway fails the archive instead of leaving it open.
      pipeline(res.body, body, () => undefined);
      const size = Number(res.headers[IMAGE_SIZE_HEADER.toLowerCase()]);
      return { id: typeof id === 'string' ? id : undefined, ...(size > 0 ? { size } : {}), body };
    }
    throw last;
  }

  /** Tries each known manager at most once, starting with the one in use; sticks with the first that answers. */
  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let last: unknown;
    for (let i = 0; i < this.urls.length; i++) {
      const idx = (this.current + i) % this.urls.length;
      try {
        const out = await this.callOne<T>(this.urls[idx], method, path, body);
        this.current = idx;
        return out;
      } catch (e) {
        // Only an unreachable manager sends us elsewhere; an answer (even an error) is the cluster's.
        if (!(e instanceof Unreachable)) throw e;
        last = e.error;
      }
    }
    throw last;
  }

  private async callOne<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
    let text: string;
    let status: number;
    try {
      const res = await send((o) => this.tls.request(baseUrl, path, o), {
        method,
        headers: this.secret ? { authorization: `Bearer ${this.secret}` } : {},
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: 15_000,
      });
      status = res.status;
      text = await readText(res.body);
    } catch (e) {
      throw new Unreachable(new FlotillaError('unavailable', `cannot reach manager at ${baseUrl}: ${(e as Error).message}`));
    }
    if (status >= 400) {
      const message = errorMessage(text);
      const code = status === 404 ? 'not_found' : status === 401 || status === 403 ? 'unauthorized' : status === 400 ? 'invalid_argument' : 'unavailable';
      throw new FlotillaError(code, message);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

function errorMessage(text: string): string {
  try {
    return (JSON.parse(text) as { message: string }).message ?? text;
  } catch {
    return text; // plain-text error
  }
}

class Unreachable extends Error {
  constructor(readonly error: FlotillaError) {
    super(error.message);
  }
}
