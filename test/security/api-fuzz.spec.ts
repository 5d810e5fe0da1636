import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManagerProcess } from '../support/manager';

/**
 * Property: whatever body, query or path a client sends, a real manager answers
 * below 500 and goes on serving. Bodies are arbitrary JSON, text that is not
 * JSON, and valid requests with one field replaced by an arbitrary value or removed.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const SERVICE: Json = {
  Name: 'fz',
  Labels: { a: 'b' },
  TaskTemplate: {
    // An image that is not on the engine (and cannot be pulled): no fuzzed service ever runs a container.
    ContainerSpec: { Image: 'flotilla/fuzz-absent:0', Env: ['A=1'], Args: ['x'], Mounts: [{ Type: 'tmpfs', Target: '/t' }], Secrets: [{ SecretName: 's', File: { Name: 's', Mode: 292 } }] },
    Placement: { Constraints: ['node.role==manager'] },
    Networks: [{ Target: 'fz-net' }],
    Resources: { Limits: { NanoCPUs: 1000, MemoryBytes: 1 << 20 } },
    RestartPolicy: { Condition: 'none' },
  },
  Mode: { Replicated: { Replicas: 0 } },
  UpdateConfig: { Parallelism: 1, Delay: 0, FailureAction: 'pause', Order: 'stop-first' },
  EndpointSpec: { Mode: 'vip', Ports: [{ TargetPort: 80, PublishedPort: 0, Protocol: 'tcp' }] },
};

/** Every body-taking route, with a request it would accept (or refuse for a reason other than shape). */
const ROUTES: { path: string; seed: Json }[] = [
  { path: '/v1.41/services/create', seed: SERVICE },
  { path: '/services/fz/update?version=1', seed: SERVICE },
  { path: '/v1.41/networks/create', seed: { Name: 'fz-net', Driver: 'overlay', Attachable: true, Labels: { a: 'b' }, Options: null, IPAM: { Driver: 'default', Config: [{ Subnet: '10.250.0.0/24' }] } } },
  { path: '/secrets/create', seed: { Name: 'fz-s', Data: 'eA==', Labels: {} } },
  { path: '/secrets/fz-s/update?version=1', seed: { Name: 'fz-s', Labels: { a: 'b' } } },
  { path: '/configs/create', seed: { Name: 'fz-c', Data: 'eA==' } },
  { path: '/configs/fz-c/update?version=1', seed: { Name: 'fz-c', Labels: { a: 'b' } } },
  { path: '/nodes/self/update?version=1', seed: { Role: 'manager', Availability: 'active', Labels: {} } },
  { path: '/swarm/update?version=1', seed: { Name: 'default', Labels: {}, Orchestration: { TaskHistoryRetentionLimit: 5 }, EncryptionConfig: { AutoLockManagers: false } } },
  { path: '/swarm/init', seed: { ListenAddr: '0.0.0.0:2377', AdvertiseAddr: '127.0.0.1' } },
  { path: '/swarm/unlock', seed: { UnlockKey: 'SWMKEY-1-x' } },
  { path: '/flotilla/v1/stacks/fz', seed: { services: [SERVICE], networks: [{ Name: 'n' }], volumes: [{ Name: 'v' }], prune: false } },
  { path: '/flotilla/v1/cluster/token-role', seed: { token: 'SWMTKN-1-x-y' } },
  { path: '/flotilla/v1/managers/join', seed: { token: 'SWMTKN-1-x-y', nodeId: 'abcdefghijklmnopqrstuvwxy', addr: '127.0.0.1:1', stage: 'learner' } },
  { path: '/flotilla/v1/nodes/register', seed: { addr: '127.0.0.1', token: 'SWMTKN-1-x-y', description: { Hostname: 'h', Resources: { NanoCPUs: 1, MemoryBytes: 1 }, Platform: { Architecture: 'x', OS: 'linux' } } } },
  { path: '/flotilla/v1/nodes/abc/status', seed: { reports: [{ taskId: 't', state: 'running', message: '' }] } },
];

/** Paths to every value inside `v` (the root included). */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

/** `v` with the value at `path` replaced (or removed, when `by` is undefined). */
function mutate(v: Json, path: (string | number)[], by: Json | undefined): Json | undefined {
  if (path.length === 0) return by;
  const copy = structuredClone(v) as Record<string | number, Json>;
  let o = copy;
  for (const p of path.slice(0, -1)) o = o[p] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (by === undefined) delete o[last];
  else o[last] = by;
  return copy as Json;
}

/** The two 5xx dockerd itself answers to a client's request, in its words (libs/contracts errors.ts, swarm.controller.ts). */
function dockersOwn5xx(status: number, answer: string): boolean {
  const message = (JSON.parse(answer) as { message?: string }).message;
  return (status === 500 && message === 'update out of sequence') || (status === 503 && /^This node is already part of a swarm/.test(message ?? ''));
}

const route = fc.constantFrom(...ROUTES);
const body: fc.Arbitrary<[string, string]> = fc.oneof(
  route.map((r) => [r.path, JSON.stringify(r.seed)] as [string, string]),
  fc.tuple(route, fc.jsonValue()).map(([r, v]) => [r.path, JSON.stringify(v)] as [string, string]),
  fc.tuple(route, fc.string({ maxLength: 40 })).map(([r, s]) => [r.path, s] as [string, string]),
  fc
    .tuple(route, fc.nat(), fc.option(fc.oneof(fc.jsonValue(), fc.constantFrom<Json>(1e308, -1, 2 ** 64, '', [], {}, null)), { nil: undefined }))
    .map(([r, i, by]) => {
      const ps = paths(r.seed);
      return [r.path, JSON.stringify(mutate(r.seed, ps[i % ps.length], by as Json | undefined) ?? null)] as [string, string];
    }),
);

/** Odd queries and path parameters on the routes that read them. */
const QUERIES = [
  '/services?filters=', '/services?filters=%7B', '/services?filters=[1]', '/services?filters=null', '/services?filters={"name":5}', '/services?filters={"nope":{"x":true}}',
  '/tasks?filters={"desired-state":{"running":true', '/nodes?filters="x"', '/networks?filters=1e400', '/secrets?filters={"name":null}', '/configs?filters=[]',
  '/services/%ZZ', '/services/%00', `/services/${'x'.repeat(5000)}`, '/services/fz?insertDefaults=%', '/nodes/..%2F..', '/tasks/%E0%A4%A',
  '/services/fz/logs?tail=-1&since=abc&stdout=1', '/services/fz/logs?tail=1e400&stdout=1', '/tasks/x/logs?stdout=1&timestamps[]=1',
  '/events?since=abc&until=[]', '/events?filters=%7B&until=1', '/flotilla/v1/stacks/fz/logs?tail=abc', '/flotilla/v1/stacks/%2e%2e',
  '/flotilla/v1/nodes/abc/assignments?since=1e400', '/services?status[]=1&filters[a]=b', '/info?x=%', '/swarm?x[y][z]=1',
];

describe('the API under fuzzed input', () => {
  let m: ManagerProcess;
  const base = () => `http://${m.host}`;
  beforeAll(async () => {
    m = await ManagerProcess.create();
  }, 60_000);
  afterAll(async () => {
    if (m) for (const p of ['/services/fz', '/flotilla/v1/stacks/fz']) await fetch(`${base()}${p}`, { method: 'DELETE' }).catch(() => undefined);
    await m?.destroy();
  });

  it('answers every fuzzed body below 500', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async ([path, text]) => {
        const r = await fetch(`${base()}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text, signal: AbortSignal.timeout(20_000) });
        const answer = await r.text();
        seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
        if (r.status >= 500 && !dockersOwn5xx(r.status, answer)) throw new Error(`${path} ${text} -> ${r.status} ${answer}`);
        if (r.status >= 400) expect(JSON.parse(answer)).toHaveProperty('message');
      }),
      { numRuns: 300 },
    );
    // The fuzz reached both the handlers' refusals and their successes.
    expect(seen.get(400)).toBeGreaterThan(50);
    expect([...seen.keys()].some((s) => s < 300)).toBe(true);
    expect((await fetch(`${base()}/_ping`)).status).toBe(200);
    expect(m.log).not.toMatch(/"unhandled"|internal error/);
  }, 240_000);

  it.each(QUERIES)('GET %s is not a 5xx', async (path) => {
    const r = await fetch(`${base()}${path}`, { signal: AbortSignal.timeout(10_000) });
    await r.body?.cancel();
    expect(r.status).toBeLessThan(500);
  });

  it('names the field of a body of the wrong shape', async () => {
    const spec = { ...(SERVICE as object), Name: 'fz2', TaskTemplate: { ContainerSpec: { Image: 5 } } };
    const r = await fetch(`${base()}/v1.41/services/create`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(spec) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toBe('TaskTemplate.ContainerSpec.Image: expected string, received number');
    expect((await fetch(`${base()}/_ping`)).status).toBe(200);
    expect(m.log).not.toMatch(/"unhandled"/);
  });
});
