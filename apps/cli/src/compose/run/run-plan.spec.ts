import { describe, expect, it } from 'vitest';
import type { ComposeProject } from '@flotilla/compose';
import type { Service, ServiceSpec, StackDeployRequest } from '@flotilla/contracts';
import type { StackState } from '../../client/api-client';
import { runDependencies, runDeployment } from './run-plan';

const project = {
  services: {
    db: { name: 'db', depends_on: {} },
    cache: { name: 'cache', depends_on: { db: { condition: 'service_started' } } },
    app: { name: 'app', depends_on: { cache: { condition: 'service_healthy' } } },
    other: { name: 'other', depends_on: {} },
  },
} as unknown as ComposeProject;
const spec = (n: string): ServiceSpec => ({ Name: `p_${n}`, Labels: { 'com.docker.compose.service': n }, Mode: { Replicated: { Replicas: 2 } } }) as unknown as ServiceSpec;
const stack: StackDeployRequest = { services: ['db', 'cache', 'app', 'other'].map(spec), networks: [{ Name: 'p_default' }], volumes: [] };
const deployed = (n: string, labels: Record<string, string> = {}, replicas = 2): Service =>
  ({ ID: n, Spec: { ...spec(n), Labels: { 'com.docker.compose.service': n, ...labels }, Mode: { Replicated: { Replicas: replicas } } } }) as unknown as Service;
const state = (services: Service[]): StackState => ({ name: 'p', services, tasks: [], networks: [], volumes: [] });

describe('runDependencies', () => {
  it('follows depends_on transitively, the service itself and unrelated ones left out', () => {
    expect(runDependencies(project, 'app').sort()).toEqual(['cache', 'db']);
    expect(runDependencies(project, 'db')).toEqual([]);
  });
});

describe('runDeployment', () => {
  it('a project not up: every dependency as the file says, the service itself at 0 replicas', () => {
    const d = runDeployment(stack, state([]), 'app', ['cache', 'db'])!;
    expect(d.started).toEqual(['cache', 'db']);
    expect(d.request.services.map((s) => [s.Name, 'Replicated' in s.Mode ? s.Mode.Replicated.Replicas : 'global'])).toEqual([
      ['p_db', 2],
      ['p_cache', 2],
      ['p_app', 0],
    ]);
    expect(d.request.prune).toBe(false);
  });

  it('--no-deps on a project not up: only the service, at 0', () => {
    expect(runDeployment(stack, state([]), 'app', [])!.request.services.map((s) => s.Name)).toEqual(['p_app']);
  });

  it('a stopped dependency is started again; everything deployed: nothing to do', () => {
    const stopped = deployed('db', { 'io.flotilla.compose.replicas': '2' }, 0);
    expect(runDeployment(stack, state([stopped, deployed('cache'), deployed('app')]), 'app', ['cache', 'db'])!.started).toEqual(['db']);
    expect(runDeployment(stack, state([deployed('db'), deployed('cache'), deployed('app')]), 'app', ['cache', 'db'])).toBeUndefined();
  });
});
