import type { Service, SwarmNode, Task, TaskState } from '@flotilla/contracts';

/** Builders for the pure planners' specs (no I/O, fixed clock). */
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export function node(id: string, over: Partial<SwarmNode> & { labels?: Record<string, string>; state?: 'ready' | 'down' } = {}): SwarmNode {
  return {
    ID: id,
    Version: { Index: 1 },
    CreatedAt: iso(T0),
    UpdatedAt: iso(T0),
    Spec: { Labels: over.labels ?? {}, Role: 'worker', Availability: 'active', ...over.Spec },
    Description: {
      Hostname: `host-${id}`,
      Platform: { Architecture: 'x86_64', OS: 'linux' },
      Resources: { NanoCPUs: 2e9, MemoryBytes: 4 * 1024 ** 3 },
      Engine: { EngineVersion: '20.10' },
      ...over.Description,
    },
    Status: { State: over.state ?? 'ready', Addr: '10.0.0.1' },
  };
}

export function service(id: string, replicas: number | 'global', over: Partial<Service['Spec']['TaskTemplate']> = {}): Service {
  return {
    ID: id,
    Version: { Index: 5 },
    CreatedAt: iso(T0),
    UpdatedAt: iso(T0),
    Spec: {
      Name: `svc-${id}`,
      TaskTemplate: { ContainerSpec: { Image: 'img' }, ...over },
      Mode: replicas === 'global' ? { Global: {} } : { Replicated: { Replicas: replicas } },
    },
    Endpoint: { Spec: {} },
  };
}

let seq = 0;
export function task(svc: Service, slot: number, state: TaskState, o: { node?: string; desired?: TaskState; at?: number; exit?: number } = {}): Task {
  seq++;
  return {
    ID: `t${String(seq).padStart(6, '0')}`,
    Version: { Index: 3 },
    CreatedAt: iso((o.at ?? T0) + seq),
    UpdatedAt: iso(o.at ?? T0),
    Spec: svc.Spec.TaskTemplate,
    ServiceID: svc.ID,
    ServiceName: svc.Spec.Name,
    ...(slot ? { Slot: slot } : {}),
    ...(o.node ? { NodeID: o.node } : {}),
    Status: { Timestamp: iso(o.at ?? T0), State: state, Message: '', ...(o.exit !== undefined ? { ContainerStatus: { ExitCode: o.exit } } : {}) },
    DesiredState: o.desired ?? 'running',
  };
}

export function ids(prefix = 'n') {
  let i = 0;
  return () => `${prefix}${String(++i).padStart(6, '0')}`;
}
