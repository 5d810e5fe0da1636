import { describe, expect, it } from 'vitest';
import type { Service, Task } from '@flotilla/contracts';
import type { StackState } from '../client/api-client';
import { containerAt, taskContainers } from './task-containers';

const svc = (id: string, name: string, global = false): Service =>
  ({ ID: id, Spec: { Name: `p_${name}`, Labels: { 'com.docker.compose.service': name }, Mode: global ? { Global: {} } : { Replicated: { Replicas: 2 } }, TaskTemplate: { ContainerSpec: { Image: 'i' } } } }) as unknown as Service;

let n = 0;
const task = (serviceId: string, slot: number, node: string, state = 'running', created = '2026-01-01T00:00:00Z', cid: string | undefined = `c${++n}`): Task =>
  ({
    ID: `t${++n}`,
    ServiceID: serviceId,
    Slot: slot,
    NodeID: node,
    CreatedAt: created,
    DesiredState: 'running',
    Spec: { ContainerSpec: { Image: 'i' } },
    Status: { State: state, ContainerStatus: cid ? { ContainerID: cid } : undefined },
  }) as unknown as Task;

const state = (tasks: Task[], services = [svc('s1', 'web'), svc('s2', 'db'), svc('s3', 'agent', true)]): StackState => ({ name: 'p', services, tasks, networks: [], volumes: [] });

describe('taskContainers', () => {
  it('names containers PROJECT_SERVICE_SLOT, sorted as 1.29 lists them, on their nodes', () => {
    const s = state([task('s1', 10, 'n2', 'running', undefined, 'c10'), task('s1', 2, 'n1', 'running', undefined, 'c2'), task('s2', 1, 'n1', 'running', undefined, 'cdb')]);
    expect(taskContainers(s, 'p').map((c) => [c.name, c.nodeId, c.containerId])).toEqual([
      ['p_db_1', 'n1', 'cdb'],
      ['p_web_2', 'n1', 'c2'],
      ['p_web_10', 'n2', 'c10'],
    ]);
  });

  it("a service's container_name names its container, as 1.29 names it, and sorts by it", () => {
    const db = task('s2', 1, 'n1', 'running', undefined, 'cdb');
    const named = { ...db, Spec: { ContainerSpec: { Image: 'i', ContainerName: 'a-store' } } } as Task;
    expect(taskContainers(state([task('s1', 1, 'n1', 'running', undefined, 'c1'), named]), 'p').map((c) => [c.name, c.service, c.number])).toEqual([
      ['a-store', 'db', 1],
      ['p_web_1', 'web', 1],
    ]);
  });

  it('keeps the newest task of a slot, and only running ones when asked', () => {
    const old = task('s1', 1, 'n1', 'failed', '2026-01-01T00:00:00Z', 'old');
    const cur = task('s1', 1, 'n2', 'running', '2026-01-01T00:01:00Z', 'new');
    const down = task('s1', 2, 'n1', 'failed', '2026-01-01T00:00:00Z', 'dead');
    expect(taskContainers(state([old, cur, down]), 'p', { running: true }).map((c) => c.containerId)).toEqual(['new']);
    expect(taskContainers(state([old, cur, down]), 'p').map((c) => c.containerId)).toEqual(['new', 'dead']);
  });

  it('numbers a global service by node, and skips tasks without a container yet', () => {
    const s = state([task('s3', 0, 'nb', 'running', undefined, 'gb'), task('s3', 0, 'na', 'running', undefined, 'ga'), task('s1', 1, 'n1', 'pending', undefined, null as unknown as undefined)]);
    expect(taskContainers(s, 'p').map((c) => [c.name, c.containerId])).toEqual([
      ['p_agent_1', 'ga'],
      ['p_agent_2', 'gb'],
    ]);
  });

  it('filters by service', () => {
    const s = state([task('s1', 1, 'n1'), task('s2', 1, 'n1')]);
    expect(taskContainers(s, 'p', { services: ['db'] }).map((c) => c.service)).toEqual(['db']);
  });
});

describe('containerAt (exec --index)', () => {
  const s = state([task('s1', 1, 'n1', 'running', undefined, 'one'), task('s1', 2, 'n2', 'running', undefined, 'two'), task('s2', 1, 'n1', 'failed', undefined, 'x')]);
  it('finds slot N of the service, on whichever node', () => {
    expect(containerAt(s, 'p', 'web', 2)).toMatchObject({ containerId: 'two', nodeId: 'n2', name: 'p_web_2' });
  });
  it.each([
    ['a slot past the replicas', 'web', 3, 'No container found for web_3'],
    ['a service whose container is not running', 'db', 1, 'No container found for db_1'],
  ])('fails for %s with 1.29\'s words', (_what, service, index, message) => {
    expect(() => containerAt(s, 'p', service, index)).toThrow(message);
  });
});
