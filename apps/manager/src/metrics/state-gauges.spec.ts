import { describe, expect, it } from 'vitest';
import type { Service, SwarmNode, Task, TaskState } from '@flotilla/contracts';
import { serviceTaskCounts, type StateView } from '@flotilla/state';
import { stateGauges, UNSCHEDULED, type Sample } from './state-gauges';

const at = '2026-01-01T00:00:00.000Z';

function service(id: string, name: string): Service {
  return {
    ID: id,
    Version: { Index: 1 },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: { Name: name, TaskTemplate: { ContainerSpec: { Image: 'x' } }, Mode: { Replicated: { Replicas: 1 } } },
    Endpoint: { Spec: {} },
  };
}

let seq = 0;
function task(serviceId: string, state: TaskState, desired: TaskState = 'running', err?: string): Task {
  return {
    ID: `t${++seq}`,
    Version: { Index: 1 },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: { ContainerSpec: { Image: 'x' } },
    ServiceID: serviceId,
    Slot: 1,
    Status: { Timestamp: at, State: state, Message: '', ...(err ? { Err: err } : {}) },
    DesiredState: desired,
  };
}

function node(id: string, state: SwarmNode['Status']['State'], availability: SwarmNode['Spec']['Availability'], role: SwarmNode['Spec']['Role']): SwarmNode {
  return {
    ID: id,
    Version: { Index: 1 },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: { Labels: {}, Role: role, Availability: availability },
    Description: { Hostname: id, Platform: { Architecture: 'x86_64', OS: 'linux' }, Resources: { NanoCPUs: 1e9, MemoryBytes: 1e9 }, Engine: { EngineVersion: '20.10' } },
    Status: { State: state, Addr: '10.0.0.1' },
  };
}

function view(services: Service[], tasks: Task[], nodes: SwarmNode[] = []): StateView {
  const byId = <T extends { ID: string }>(xs: T[]) => new Map(xs.map((x) => [x.ID, x]));
  return {
    index: 7,
    cluster: undefined,
    nodes: byId(nodes),
    services: byId(services),
    tasks: byId(tasks),
    networks: new Map(),
    volumes: new Map(),
    secrets: new Map(),
    configs: new Map(),
    tasksOfService: (id) => tasks.filter((t) => t.ServiceID === id),
    tasksOfNode: (id) => tasks.filter((t) => t.NodeID === id),
    countsOfService: (id) => serviceTaskCounts(tasks.filter((t) => t.ServiceID === id)),
    idByName: () => undefined,
  };
}

/** The value of the sample whose labels are exactly `labels` (0 when absent, as Prometheus reads a missing series in sums). */
function value(samples: Sample[], labels: Record<string, string>): number | undefined {
  return samples.find((s) => JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()))?.value;
}

describe('stateGauges', () => {
  const web = service('s1', 'web');
  const api = service('s2', 'api');

  it.each([
    ['3 running', [task('s1', 'running'), task('s1', 'running'), task('s1', 'running')], { service: 'web', state: 'running', desired_state: 'running' }, 3],
    ['history counts apart from running', [task('s1', 'running'), task('s1', 'failed', 'shutdown')], { service: 'web', state: 'failed', desired_state: 'shutdown' }, 1],
    ['a task being shut down keeps its current state', [task('s1', 'running', 'shutdown')], { service: 'web', state: 'running', desired_state: 'shutdown' }, 1],
    ['services apart', [task('s1', 'running'), task('s2', 'running'), task('s2', 'running')], { service: 'api', state: 'running', desired_state: 'running' }, 2],
    ['a removed service is named by its id', [task('gone', 'running', 'remove')], { service: 'gone', state: 'running', desired_state: 'remove' }, 1],
  ])('tasks by service and states: %s', (_name, tasks, labels, want) => {
    expect(value(stateGauges(view([web, api], tasks)).tasks, labels)).toBe(want);
  });

  it('lists every task state cluster-wide, zeros included, as swarm_manager_tasks_total does', () => {
    const g = stateGauges(view([web], [task('s1', 'running'), task('s1', 'running'), task('s1', 'failed', 'shutdown')]));
    expect(g.tasksByState).toHaveLength(14);
    expect(value(g.tasksByState, { state: 'running' })).toBe(2);
    expect(value(g.tasksByState, { state: 'failed' })).toBe(1);
    expect(value(g.tasksByState, { state: 'pending' })).toBe(0);
    // No empty series per service: only combinations that exist.
    expect(g.tasks).toHaveLength(2);
  });

  it.each([
    ['ready/active/manager', { state: 'ready', availability: 'active', role: 'manager' }, 1],
    ['ready/drain/worker', { state: 'ready', availability: 'drain', role: 'worker' }, 1],
    ['down/active/worker', { state: 'down', availability: 'active', role: 'worker' }, 2],
    ['absent combination reads 0', { state: 'disconnected', availability: 'pause', role: 'manager' }, 0],
  ])('nodes by state, availability and role: %s', (_name, labels, want) => {
    const nodes = [node('n1', 'ready', 'active', 'manager'), node('n2', 'ready', 'drain', 'worker'), node('n3', 'down', 'active', 'worker'), node('n4', 'down', 'active', 'worker')];
    const g = stateGauges(view([], [], nodes));
    expect(value(g.nodes, labels)).toBe(want);
    expect(g.nodes).toHaveLength(4 * 3 * 2);
  });

  it.each([
    ['explained by the scheduler', [task('s1', 'pending', 'running', 'no suitable node (1 node not available for new tasks)')], 'no suitable node (1 node not available for new tasks)', 1],
    ['not looked at yet', [task('s1', 'new'), task('s1', 'new')], UNSCHEDULED, 2],
    ['a job task waiting', [task('s1', 'pending', 'complete', 'no suitable node')], 'no suitable node', 1],
    ['not pending once assigned', [task('s1', 'assigned')], UNSCHEDULED, undefined],
    ['not pending when no longer wanted', [task('s1', 'pending', 'shutdown', 'no suitable node')], 'no suitable node', undefined],
  ])('pending tasks by reason: %s', (_name, tasks, reason, want) => {
    expect(value(stateGauges(view([web], tasks)).pending, { reason })).toBe(want);
  });

  it('counts objects by kind', () => {
    const g = stateGauges(view([web, api], [task('s1', 'running')], [node('n1', 'ready', 'active', 'manager')]));
    expect(Object.fromEntries(g.objects.map((s) => [s.labels.kind, s.value]))).toEqual({ node: 1, service: 2, task: 1, network: 0, volume: 0, secret: 0, config: 0 });
  });
});
