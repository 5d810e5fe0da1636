import type { Service, ServiceSpec, SwarmNode, Task, TaskState } from '@flotilla/contracts';
import { serviceTaskCounts, type StateView } from '@flotilla/state';

/** Small objects in the store's shapes for the console's unit tests. */
export const AT = '2026-01-01T00:00:00.000Z';

export function service(id: string, mode: ServiceSpec['Mode'], extra: Partial<ServiceSpec> = {}): Service {
  return {
    ID: id,
    Version: { Index: 1 },
    CreatedAt: AT,
    UpdatedAt: AT,
    Endpoint: { Spec: {} },
    Spec: { Name: id, Mode: mode, TaskTemplate: { ContainerSpec: { Image: 'flotilla/busybox:latest@sha256:abc' } }, ...extra },
  };
}

let seq = 0;
export function task(s: Service, slot: number, state: TaskState, desired: TaskState = 'running', more: Partial<Task> = {}): Task {
  seq++;
  return {
    ID: `t${seq}`,
    Version: { Index: 1 },
    CreatedAt: AT,
    UpdatedAt: AT,
    Spec: s.Spec.TaskTemplate,
    ServiceID: s.ID,
    Slot: slot,
    NodeID: 'n1',
    Status: { Timestamp: `2026-01-01T00:00:${String(seq % 60).padStart(2, '0')}.000Z`, State: state, Message: state },
    DesiredState: desired,
    ...more,
  };
}

export function node(id: string, hostname: string, more: Partial<SwarmNode> = {}): SwarmNode {
  return {
    ID: id,
    Version: { Index: 1 },
    CreatedAt: AT,
    UpdatedAt: AT,
    Spec: { Labels: {}, Role: 'worker', Availability: 'active' },
    Description: { Hostname: hostname, Platform: { Architecture: 'x86_64', OS: 'linux' }, Resources: { NanoCPUs: 2e9, MemoryBytes: 4 << 30 }, Engine: { EngineVersion: '20.10.24' } },
    Status: { State: 'ready', Addr: '10.0.0.1' },
    ...more,
  };
}

/** A view as the store gives it, over plain lists. */
export function viewOf(services: Service[], tasks: Task[], more: Partial<StateView> = {}): StateView {
  return {
    index: 7,
    cluster: undefined,
    nodes: new Map(),
    services: new Map(services.map((s) => [s.ID, s])),
    tasks: new Map(tasks.map((t) => [t.ID, t])),
    networks: new Map(),
    volumes: new Map(),
    secrets: new Map(),
    configs: new Map(),
    tasksOfService: (id) => tasks.filter((t) => t.ServiceID === id),
    tasksOfNode: (id) => tasks.filter((t) => t.NodeID === id),
    countsOfService: (id) => serviceTaskCounts(tasks.filter((t) => t.ServiceID === id)),
    idByName: () => undefined,
    ...more,
  };
}

export const rep = (n: number): ServiceSpec['Mode'] => ({ Replicated: { Replicas: n } });
