import type { Cluster, Network, NetworkSpec, Service, SwarmNode, Task, TaskState } from '@flotilla/contracts';
import { StateMachine, put, type Op } from '@flotilla/state';

const TS = '2024-01-01T00:00:00.000Z';
const meta = (ID: string) => ({ ID, Version: { Index: 0 }, CreatedAt: TS, UpdatedAt: TS });

/** A real state machine, fed batches the way the store feeds it. */
export class Store {
  readonly sm = new StateMachine();
  private i = 0;

  commit(ops: Op[]): void {
    if (ops.length === 0) return;
    const r = this.sm.apply(++this.i, { ops });
    if (!r.ok) throw r.error;
  }
}

export function cluster(id = 'c1'): Cluster {
  return {
    ...meta(id),
    Spec: { Name: 'default', Orchestration: { TaskHistoryRetentionLimit: 5 }, Raft: { SnapshotInterval: 1, ElectionTick: 10, HeartbeatTick: 1 }, Dispatcher: { HeartbeatPeriod: 5e9 } },
    JoinTokens: { Worker: 'w', Manager: 'm' },
  };
}

export function node(id: string, addr: string): SwarmNode {
  return {
    ...meta(id),
    Spec: { Labels: {}, Role: 'worker', Availability: 'active' },
    Description: { Hostname: id, Platform: { Architecture: 'x86_64', OS: 'linux' }, Resources: { NanoCPUs: 1e9, MemoryBytes: 1e9 }, Engine: { EngineVersion: '20' } },
    Status: { State: 'ready', Addr: addr },
  };
}

export function network(id: string, spec: Partial<NetworkSpec> = {}, createdAt = TS): Network {
  return { ...meta(id), CreatedAt: createdAt, Spec: { Name: `net-${id}`, ...spec } };
}

export function service(id: string, nets: { Target: string; Aliases?: string[] }[]): Service {
  return {
    ...meta(id),
    Spec: { Name: `stack_${id}`, TaskTemplate: { ContainerSpec: { Image: 'busybox' }, Networks: nets }, Mode: { Replicated: { Replicas: 1 } } },
    Endpoint: { Spec: {} },
  };
}

export function task(id: string, serviceId: string, nets: string[], state: TaskState = 'new', nodeId?: string): Task {
  return {
    ...meta(id),
    Spec: { ContainerSpec: { Image: 'busybox' }, Networks: nets.map((Target) => ({ Target })) },
    ServiceID: serviceId,
    ...(nodeId ? { NodeID: nodeId } : {}),
    Status: { Timestamp: TS, State: state, Message: '' },
    DesiredState: 'running',
    NetworksAttachments: nets.map((n) => ({ Network: { ID: n, Spec: { Name: n } } })),
  };
}

export const create = <T extends { ID: string }>(kind: 'cluster' | 'node' | 'network' | 'service' | 'task', o: T): Op => put(kind, o as never, null);
