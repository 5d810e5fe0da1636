import { describe, expect, it } from 'vitest';
import type { Service, Task } from '@flotilla/contracts';
import type { StackState } from '../../client/api-client';
import type { TaskContainer } from '../task-containers';
import { restartTimeout, runsAgain } from './restarted';

const svc = (grace?: number) => ({ Spec: { TaskTemplate: { ContainerSpec: { Image: 'i', ...(grace === undefined ? {} : { StopGracePeriod: grace }) } } } }) as unknown as Service;

describe('restartTimeout', () => {
  it.each([
    ['-t given', 2, svc(30e9), 2],
    ['-t 0', 0, svc(30e9), 0],
    ["the service's stop_grace_period", undefined, svc(30e9), 30],
    ['a fraction of a second rounds up', undefined, svc(1.5e9), 2],
    ['neither: 10, as 1.29', undefined, svc(), 10],
    ['no service', undefined, undefined, 10],
  ])('%s', (_what, t, s, want) => {
    expect(restartTimeout(t, s)).toBe(want);
  });
});

describe('runsAgain', () => {
  const c: TaskContainer = { name: 'p_web_1', service: 'web', number: 1, nodeId: 'n1', containerId: 'c1', taskId: 't1', state: 'failed' };
  const st = (state: string, containerId = 'c1', id = 't1'): StackState =>
    ({ name: 'p', services: [], networks: [], volumes: [], tasks: [{ ID: id, Status: { State: state, ContainerStatus: { ContainerID: containerId } } } as unknown as Task] }) as StackState;
  it.each([
    ['its task running with the container', st('running'), true],
    ['starting (a healthcheck gates it)', st('starting'), true],
    ['still ended', st('failed'), false],
    ['running with another container', st('running', 'c2'), false],
    ['its task gone', st('running', 'c1', 't2'), false],
  ])('%s', (_what, state, want) => {
    expect(runsAgain(state, c)).toBe(want);
  });
});
