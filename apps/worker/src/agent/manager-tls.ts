import * as http from 'node:http';
import * as https from 'node:https';
import type * as tls from 'node:tls';
import { FlotillaError, errorMessageOf, parseJoinToken, type CertificateRequest, type CertificateResponse } from '@flotilla/contracts';
import { caDigest, generateKeyPair } from '@flotilla/pki';
import type { NodeCredentials } from './node-credentials';

/** The name every manager certificate carries: a peer is checked to be a manager by it, not by its address. */
export const MANAGER_NAME = 'swarm-manager';

/**
 * A node's side of mutual TLS to the managers: with credentials, every call is HTTPS with the node's
 * certificate and only a certificate named swarm-manager from the cluster's root is accepted; without
 * (a loopback client, before a join), plain HTTP, which a manager takes from its own host only.
 */
export class NodeTls {
  private creds?: NodeCredentials;
  private agent?: https.Agent;

  constructor(creds?: NodeCredentials) {
    this.use(creds);
  }

  use(creds: NodeCredentials | undefined): void {
    this.agent?.destroy();
    this.creds = creds;
    this.agent = creds ? new https.Agent({ keepAlive: true, ...this.connectOptions() }) : undefined;
  }

  get credentials(): NodeCredentials | undefined {
    return this.creds;
  }

  /** Options for a raw TLS connection to a manager (Raft, the relay). */
  connectOptions(): tls.ConnectionOptions {
    const c = this.creds;
    return c ? { ca: [c.ca], cert: c.cert, key: c.key, servername: MANAGER_NAME } : {};
  }

  /** A request to a manager at `http://host:port` (the address form nodes exchange), over TLS when this node has credentials. */
  request(baseUrl: string, path: string, o: { method: string; headers?: http.OutgoingHttpHeaders }): http.ClientRequest {
    const u = new URL(baseUrl);
    const common = { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 2377), path, method: o.method, headers: o.headers };
    return this.agent ? https.request({ ...common, agent: this.agent }) : http.request(common);
  }
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

/** Sends a request and resolves with the answer's head; `timeoutMs` bounds the wait for it. */
export function send(
  make: (o: { method: string; headers?: http.OutgoingHttpHeaders }) => http.ClientRequest,
  o: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string; timeoutMs?: number },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...(o.headers ?? {}), ...(o.body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(o.body) } : {}) };
    const req = make({ method: o.method ?? 'GET', headers });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${(o.timeoutMs ?? 15_000) / 1000} s`)), o.timeoutMs ?? 15_000);
    req.on('response', (res) => {
      clearTimeout(timer);
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(o.body);
  });
}

export async function readText(body: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function json<T>(what: string, a: Promise<Answer>): Promise<T> {
  let ans: Answer;
  try {
    ans = await a;
  } catch (e) {
    throw new FlotillaError('unavailable', `cannot reach manager at ${what}: ${(e as Error).message}`);
  }
  const text = await readText(ans.body);
  if (ans.status >= 400) throw new FlotillaError(ans.status === 401 || ans.status === 403 ? 'unauthorized' : ans.status === 400 ? 'invalid_argument' : 'unavailable', errorMessageOf(text));
  return JSON.parse(text) as T;
}

const hostOf = (hostPort: string) => {
  const i = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(hostPort.slice(i + 1)) };
};

/**
 * The root CA of the manager at host:port, pinned by the join token's digest. The CA is read over TLS
 * without trusting anything yet; it is used only once its digest equals the token's, and the token's
 * secret is never sent on this connection.
 */
export async function pinnedCa(hostPort: string, token: string): Promise<string> {
  const parsed = parseJoinToken(token);
  if (!parsed) throw new FlotillaError('invalid_argument', 'invalid join token');
  const { ca } = await json<{ ca: string }>(
    hostPort,
    send((o) => https.request({ ...hostOf(hostPort), path: '/flotilla/v1/cluster/ca', rejectUnauthorized: false, agent: false, ...o }), {}),
  );
  let digest: string;
  try {
    digest = caDigest(ca);
  } catch {
    throw new FlotillaError('unauthorized', `the manager at ${hostPort} sent no readable CA certificate`);
  }
  if (digest !== parsed.fingerprint) {
    throw new FlotillaError('unauthorized', `the manager at ${hostPort} belongs to another cluster than this join token: its CA does not match the token's digest (another swarm, or someone in between)`);
  }
  return ca;
}

/** A JSON call to a manager verified against the pinned CA (by the name swarm-manager), without a client certificate. */
export function postPinned<T>(hostPort: string, ca: string, path: string, body: unknown): Promise<T> {
  return json<T>(
    hostPort,
    send((o) => https.request({ ...hostOf(hostPort), path, ca: [ca], servername: MANAGER_NAME, agent: false, ...o }), { method: 'POST', body: JSON.stringify(body) }),
  );
}

/**
 * Joins the cluster's PKI: pins the CA by the token, makes a key pair here, and has a manager sign
 * its public half for this node's id and role. The token travels only inside the verified TLS connection.
 */
export async function obtainCredentials(hostPort: string, req: Omit<CertificateRequest, 'publicKeyPem'>): Promise<{ nodeId: string; creds: NodeCredentials }> {
  const ca = await pinnedCa(hostPort, req.token);
  const keys = generateKeyPair();
  const r = await postPinned<CertificateResponse>(hostPort, ca, '/flotilla/v1/cluster/certificate', { ...req, publicKeyPem: keys.publicKeyPem });
  return { nodeId: r.nodeId, creds: { ca: r.ca, cert: r.certificate, key: keys.keyPem } };
}
