import { describe, expect, it } from 'vitest';
import type { Service, ServiceSpec, StackDeployRequest } from '@flotilla/contracts';
import { applyStrategy, type Strategy } from './converge';

const spec = (name: string, env: string, force?: number, replicas = 1): ServiceSpec => ({
  Name: name,
  TaskTemplate: { ContainerSpec: { Image: 'flotilla/busybox:latest', Env: [env] }, ...(force !== undefined ? { ForceUpdate: force } : {}) },
  Mode: { Replicated: { Replicas: replicas } },
});
const svc = (s: ServiceSpec) => ({ ID: s.Name, Spec: s }) as Service;
const req = (...services: ServiceSpec[]): StackDeployRequest => ({ services, networks: [], volumes: [] });

describe('which services up recreates (1.29 ConvergenceStrategy)', () => {
  const running = [svc(spec('p_web', 'A=1')), svc(spec('p_db', 'B=1', 2))];
  it.each<[string, Strategy, StackDeployRequest, ServiceSpec[]]>([
    ['changed: sends the file as is', 'changed', req(spec('p_web', 'A=2')), [spec('p_web', 'A=2')]],
    ['changed: keeps an earlier --force-recreate', 'changed', req(spec('p_db', 'B=1')), [spec('p_db', 'B=1', 2)]],
    ['always: bumps ForceUpdate of what exists', 'always', req(spec('p_web', 'A=1'), spec('p_db', 'B=1')), [spec('p_web', 'A=1', 1), spec('p_db', 'B=1', 3)]],
    ['always: a new service is just created', 'always', req(spec('p_new', 'C=1')), [spec('p_new', 'C=1')]],
    ['never: keeps the running spec despite a change', 'never', req(spec('p_web', 'A=2')), [spec('p_web', 'A=1')]],
    ['never: still follows --scale', 'never', req(spec('p_web', 'A=2', undefined, 3)), [spec('p_web', 'A=1', undefined, 3)]],
    ['never: a new service is created', 'never', req(spec('p_new', 'C=1')), [spec('p_new', 'C=1')]],
  ])('%s', (_n, strategy, r, want) => {
    expect(applyStrategy(r, running, strategy).services).toEqual(want);
  });
});
