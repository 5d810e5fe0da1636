import { AGENT_API, FlotillaError, errorMessageOf, parseJoinToken, type ManagerJoinRequest, type ManagerJoinResponse } from '@flotilla/contracts';

/**
 * The joining manager's calls to the manager named on `swarm join`: check it
 * is the cluster the token names, then ask to enter the Raft group. Any
 * manager will do; followers forward to the leader.
 */
export async function requestManagerJoin(target: string, req: ManagerJoinRequest): Promise<ManagerJoinResponse> {
  const parsed = parseJoinToken(req.token);
  if (!parsed) throw new FlotillaError('invalid_argument', 'invalid join token');
  const fp = await call<{ fingerprint: string }>(target, 'GET', `${AGENT_API}/cluster/fingerprint`);
  if (fp.fingerprint !== parsed.fingerprint) {
    throw new FlotillaError('unauthorized', `the manager at ${target} belongs to another cluster than this join token`);
  }
  return call<ManagerJoinResponse>(target, 'POST', `${AGENT_API}/managers/join`, req);
}

async function call<T>(target: string, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`http://${target}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new FlotillaError('unavailable', `cannot reach manager at ${target}: ${(e as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    const message = errorMessageOf(text);
    throw new FlotillaError(res.status === 401 ? 'unauthorized' : res.status === 400 ? 'invalid_argument' : 'unavailable', message);
  }
  return JSON.parse(text) as T;
}
