import { AGENT_API, FlotillaError, errorMessageOf, parseJoinToken, type ManagerJoinRequest, type ManagerJoinResponse } from '@flotilla/contracts';
import { readText, send, type NodeTls } from '../../../worker/src/agent/manager-tls';

/**
 * The joining manager's calls to the manager named on `swarm join`: check it
 * is the cluster the token names, then ask to enter the Raft group. Any
 * manager will do; followers forward to the leader. Over mutual TLS, with the certificate the
 * joiner was given for its token (obtainCredentials).
 */
export async function requestManagerJoin(target: string, req: ManagerJoinRequest, tls: NodeTls): Promise<ManagerJoinResponse> {
  const parsed = parseJoinToken(req.token);
  if (!parsed) throw new FlotillaError('invalid_argument', 'invalid join token');
  const fp = await call<{ fingerprint: string }>(tls, target, 'GET', `${AGENT_API}/cluster/fingerprint`);
  if (fp.fingerprint !== parsed.fingerprint) {
    throw new FlotillaError('unauthorized', `the manager at ${target} belongs to another cluster than this join token`);
  }
  return call<ManagerJoinResponse>(tls, target, 'POST', `${AGENT_API}/managers/join`, req);
}

async function call<T>(tls: NodeTls, target: string, method: string, path: string, body?: unknown): Promise<T> {
  let status: number;
  let text: string;
  try {
    const res = await send((o) => tls.request(`http://${target}`, path, o), { method, body: body === undefined ? undefined : JSON.stringify(body), timeoutMs: 15_000 });
    status = res.status;
    text = await readText(res.body);
  } catch (e) {
    throw new FlotillaError('unavailable', `cannot reach manager at ${target}: ${(e as Error).message}`);
  }
  if (status >= 400) {
    const message = errorMessageOf(text);
    throw new FlotillaError(status === 401 || status === 403 ? 'unauthorized' : status === 400 ? 'invalid_argument' : 'unavailable', message);
  }
  return JSON.parse(text) as T;
}
