import { FlotillaError, isForward, newTask, type PortConfig, type Service, type Task, type SwarmNode } from '@flotilla/contracts';
import type { Batch, Op } from './command';
import type { Change, ChangeEvent } from './change';
import { OBJECT_KINDS, UNIQUE_NAME_KINDS, type AnyObject, type ObjectKind } from './objects';
import { StagedWrites } from './staged-writes';
import type { ServiceTaskCounts, StateView } from './state-view';
import { revivesInPlace } from './task-revival';

export type ApplyOutcome = { ok: true; event: ChangeEvent } | { ok: false; error: FlotillaError };

interface SerializedState {
  index: number;
  objects: Partial<Record<ObjectKind, AnyObject[]>>;
  applied: [string, number][];
}

/** How many client request ids are remembered for at-most-once application. */
const DEDUP_WINDOW = 10_000;

type NamedKind = 'service' | 'network' | 'volume' | 'secret' | 'config';

/**
 * The deterministic state machine every manager applies committed batches to.
 * Same batches in the same order give the same state on every replica: no
 * clock, no randomness; timestamps travel inside the batch.
 */
export class StateMachine implements StateView {
  private idx = 0;
  private readonly maps = new Map<ObjectKind, Map<string, AnyObject>>(OBJECT_KINDS.map((k) => [k, new Map()]));
  private readonly names = new Map<ObjectKind, Map<string, string>>();
  /** Tasks by service and by node, holding the objects themselves: no lookup per task when listed. */
  private readonly byService = new Map<string, Map<string, Task>>();
  private readonly byNode = new Map<string, Map<string, Task>>();
  /** Per service, kept as tasks come and go: `service ls` over 100k tasks read them all each time. */
  private readonly counts = new Map<string, ServiceTaskCounts>();
  private readonly applied = new Map<string, number>();

  get index(): number {
    return this.idx;
  }
  get cluster() {
    const it = this.map('cluster').values().next();
    return it.done ? undefined : (it.value as StateView['cluster']);
  }
  get nodes() {
    return this.map('node') as unknown as StateView['nodes'];
  }
  get services() {
    return this.map('service') as unknown as StateView['services'];
  }
  get tasks() {
    return this.map('task') as unknown as StateView['tasks'];
  }
  get networks() {
    return this.map('network') as unknown as StateView['networks'];
  }
  get volumes() {
    return this.map('volume') as unknown as StateView['volumes'];
  }
  get secrets() {
    return this.map('secret') as unknown as StateView['secrets'];
  }
  get configs() {
    return this.map('config') as unknown as StateView['configs'];
  }

  tasksOfService(serviceId: string): Task[] {
    return this.collect(this.byService.get(serviceId));
  }
  tasksOfNode(nodeId: string): Task[] {
    return this.collect(this.byNode.get(nodeId));
  }
  countsOfService(serviceId: string): ServiceTaskCounts {
    const c = this.counts.get(serviceId);
    return c ? { ...c } : { running: 0, complete: 0 };
  }
  idByName(kind: NamedKind, name: string): string | undefined {
    return this.names.get(kind)?.get(name);
  }

  /** Applies one committed batch at `index`. A rejected batch changes nothing but the index. */
  apply(index: number, batch: Batch): ApplyOutcome {
    if (index <= this.idx) throw new Error(`state machine: index ${index} applied after ${this.idx}`);
    this.idx = index;
    if (batch.requestId !== undefined && this.applied.has(batch.requestId)) {
      return { ok: true, event: { index: this.applied.get(batch.requestId)!, changes: [] } };
    }
    let staged: StagedWrites;
    try {
      staged = this.stage(index, batch.ops);
    } catch (e) {
      if (e instanceof FlotillaError) return { ok: false, error: e };
      throw e;
    }
    const changes: Change[] = [];
    for (const { kind, id, after } of staged.order) {
      const before = this.map(kind).get(id);
      if (after) this.insert(kind, after);
      else if (before) this.remove(kind, before);
      changes.push({ kind, id, before, after });
    }
    if (batch.requestId !== undefined) this.remember(batch.requestId, index);
    return { ok: true, event: { index, changes } };
  }

  serialize(): string {
    const objects: SerializedState['objects'] = {};
    for (const k of OBJECT_KINDS) objects[k] = [...this.map(k).values()];
    const s: SerializedState = { index: this.idx, objects, applied: [...this.applied] };
    return JSON.stringify(s);
  }

  static restore(json: string): StateMachine {
    const s = JSON.parse(json) as SerializedState;
    const m = new StateMachine();
    m.idx = s.index;
    for (const k of OBJECT_KINDS) for (const o of s.objects[k] ?? []) m.insert(k, o);
    for (const [id, i] of s.applied) m.applied.set(id, i);
    return m;
  }

  // ------------------------------------------------------------------ internals

  private map(kind: ObjectKind): Map<string, AnyObject> {
    return this.maps.get(kind)!;
  }

  private collect(tasks: Map<string, Task> | undefined): Task[] {
    return tasks ? Array.from(tasks.values()) : [];
  }

  /** Validates every op against the state as the earlier ops of the batch leave it. */
  private stage(index: number, ops: Op[]) {
    const staged = new StagedWrites();
    const read = (kind: ObjectKind, id: string): AnyObject | undefined => {
      const s = staged.get(kind, id);
      return s ? s.after : this.map(kind).get(id);
    };
    const write = (kind: ObjectKind, id: string, after?: AnyObject) => staged.set(kind, id, after);

    for (const op of ops) {
      switch (op.op) {
        case 'put': {
          const cur = read(op.kind, op.obj.ID);
          if (op.expectIndex === null && cur) throw new FlotillaError('conflict', `${op.kind} ${op.obj.ID} already exists`);
          if (typeof op.expectIndex === 'number' && (!cur || cur.Version.Index !== op.expectIndex)) {
            throw new FlotillaError('out_of_sequence', 'update out of sequence');
          }
          const obj = { ...op.obj, Version: { Index: index } } as AnyObject;
          if (cur) obj.CreatedAt = cur.CreatedAt;
          write(op.kind, obj.ID, obj);
          break;
        }
        case 'delete': {
          const cur = read(op.kind, op.id);
          if (typeof op.expectIndex === 'number' && cur && cur.Version.Index !== op.expectIndex) {
            throw new FlotillaError('out_of_sequence', 'update out of sequence');
          }
          if (cur) write(op.kind, op.id, undefined);
          break;
        }
        case 'taskStatus': {
          const cur = read('task', op.report.taskId) as Task | undefined;
          // Reports from a node that no longer owns the task, or that would move it backwards, are stale.
          if (!cur || cur.NodeID !== op.nodeId) break;
          // Forward only; within `preparing`, a new message (an image being shipped) is news too.
          const restated = cur.Status.State === 'preparing' && op.report.state === 'preparing' && op.report.message !== cur.Status.Message;
          // ...and within `running`, a container paused or unpaused (no state of its own in Swarm's model).
          const pausedNews = cur.Status.State === 'running' && op.report.state === 'running' && op.report.paused !== undefined && op.report.paused !== !!cur.Status.ContainerStatus?.Paused;
          // ...and a container restarted in place that got another port of a host range (the engine's pick).
          const portsNews = cur.Status.State === op.report.state && op.report.ports !== undefined && !samePorts(op.report.ports, cur.Status.PortStatus?.Ports);
          // ...and an ended task whose own container was restarted in place runs again.
          const revived = revivesInPlace(cur, op.report);
          if (!isForward(cur.Status.State, op.report.state) && !restated && !pausedNews && !portsNews && !revived) break;
          const r = op.report;
          // A revived task's container runs: the exit code of its last run no longer describes it.
          const { ExitCode: _lastExit, ...was } = cur.Status.ContainerStatus ?? {};
          const next: Task = {
            ...cur,
            Version: { Index: index },
            UpdatedAt: op.at,
            Status: {
              Timestamp: op.at,
              State: r.state,
              Message: r.message,
              ...(r.err ? { Err: r.err } : {}),
              ContainerStatus: {
                ...(revived ? was : cur.Status.ContainerStatus),
                ...(r.containerId ? { ContainerID: r.containerId } : {}),
                ...(r.pid !== undefined ? { PID: r.pid } : {}),
                ...(r.exitCode !== undefined ? { ExitCode: r.exitCode } : {}),
                ...(r.command !== undefined ? { Command: r.command } : {}),
                ...(r.health !== undefined ? { Health: r.health } : {}),
                ...(r.paused !== undefined ? { Paused: r.paused } : {}),
                ...(r.published !== undefined ? { PublishedOn: r.published } : {}),
              },
              // Host-mode ports its container got (a host range's port), as its worker last said.
              ...(r.ports !== undefined ? { PortStatus: { Ports: r.ports } } : cur.Status.PortStatus ? { PortStatus: cur.Status.PortStatus } : {}),
              ...(r.state === 'running' && !pausedNews && !portsNews ? { RunningAt: op.at } : cur.Status.RunningAt ? { RunningAt: cur.Status.RunningAt } : {}),
            },
          };
          if (r.addresses && cur.NetworksAttachments) {
            next.NetworksAttachments = cur.NetworksAttachments.map((a) =>
              r.addresses![a.Network.ID] ? { ...a, Addresses: [r.addresses![a.Network.ID]] } : a,
            );
          }
          write('task', cur.ID, next);
          break;
        }
        case 'createTasks': {
          const svc = read('service', op.serviceId) as Service | undefined;
          // The plan was made on this version of the service; any other one makes it stale.
          if (!svc || svc.Version.Index !== op.serviceIndex) throw new FlotillaError('out_of_sequence', 'update out of sequence');
          const now = Date.parse(op.at);
          if (!Number.isFinite(now)) throw new FlotillaError('invalid_argument', `createTasks: bad time ${op.at}`);
          for (const seed of op.tasks) {
            if (read('task', seed.id)) throw new FlotillaError('conflict', `task ${seed.id} already exists`);
            const t: Task = { ...newTask(svc, { slot: seed.slot, nodeId: seed.nodeId }, { now, newId: () => seed.id }), Version: { Index: index } };
            if (seed.assignedTo) {
              t.NodeID = seed.assignedTo;
              t.Status = { Timestamp: op.at, State: 'assigned', Message: 'assigned' };
            }
            if (seed.held) t.DesiredState = 'ready';
            write('task', t.ID, t);
          }
          break;
        }
        case 'placeTask': {
          const cur = read('task', op.taskId) as Task | undefined;
          if (!cur || cur.Version.Index !== op.expectIndex) throw new FlotillaError('out_of_sequence', 'update out of sequence');
          const next: Task = op.nodeId
            ? { ...cur, NodeID: op.nodeId, Version: { Index: index }, UpdatedAt: op.at, Status: { Timestamp: op.at, State: 'assigned', Message: 'assigned' } }
            : {
                ...cur,
                Version: { Index: index },
                UpdatedAt: op.at,
                Status: { Timestamp: op.at, State: 'pending', Message: 'pending task scheduling', Err: op.err ?? '' },
              };
          write('task', cur.ID, next);
          break;
        }
        case 'nodeState': {
          const cur = read('node', op.nodeId) as SwarmNode | undefined;
          if (!cur || (cur.Status.State === op.state && cur.Status.Message === op.message)) break;
          write('node', cur.ID, {
            ...cur,
            Version: { Index: index },
            UpdatedAt: op.at,
            Status: { ...cur.Status, State: op.state, Message: op.message },
          });
          break;
        }
      }
    }
    this.checkNames(staged);
    return staged;
  }

  private checkNames(staged: StagedWrites) {
    const claimed = new Map<string, string>();
    for (const { kind, id, after } of staged.order) {
      if (!after || !UNIQUE_NAME_KINDS.has(kind)) continue;
      const name = (after as { Spec: { Name: string } }).Spec.Name;
      const key = `${kind}/${name}`;
      const other = claimed.get(key);
      if (other && other !== id) throw nameConflict(kind, name);
      claimed.set(key, id);
      const owner = this.names.get(kind)?.get(name);
      if (owner && owner !== id) {
        const s = staged.get(kind, owner);
        const ownerStillHasName = !s || (s.after && (s.after as { Spec: { Name: string } }).Spec.Name === name);
        if (ownerStillHasName) throw nameConflict(kind, name);
      }
    }
  }

  private insert(kind: ObjectKind, obj: AnyObject) {
    const m = this.map(kind);
    const prev = m.get(obj.ID);
    if (kind === 'task') {
      m.set(obj.ID, obj);
      this.reindexTask(prev as Task | undefined, obj as Task);
      return;
    }
    if (prev) this.unindex(kind, prev);
    m.set(obj.ID, obj);
    if (UNIQUE_NAME_KINDS.has(kind)) {
      let n = this.names.get(kind);
      if (!n) this.names.set(kind, (n = new Map()));
      n.set((obj as { Spec: { Name: string } }).Spec.Name, obj.ID);
    }
  }

  /**
   * A task replaced keeps its place in the service's and node's maps (it is set over, not
   * deleted and added): a delete leaves a hole in a JS Map, and 100k status reports on a
   * 100k-task service rehashed its map again and again.
   */
  private reindexTask(prev: Task | undefined, t: Task) {
    if (prev) {
      if (prev.ServiceID !== t.ServiceID) removeFrom(this.byService, prev.ServiceID, prev.ID);
      if (prev.NodeID && prev.NodeID !== t.NodeID) removeFrom(this.byNode, prev.NodeID, prev.ID);
      this.count(prev, -1);
    }
    addTo(this.byService, t.ServiceID, t);
    if (t.NodeID) addTo(this.byNode, t.NodeID, t);
    this.count(t, 1);
  }

  private remove(kind: ObjectKind, obj: AnyObject) {
    this.unindex(kind, obj);
    this.map(kind).delete(obj.ID);
  }

  private unindex(kind: ObjectKind, obj: AnyObject) {
    if (UNIQUE_NAME_KINDS.has(kind)) {
      const n = this.names.get(kind);
      const name = (obj as { Spec: { Name: string } }).Spec.Name;
      if (n?.get(name) === obj.ID) n.delete(name);
    }
    if (kind === 'task') {
      const t = obj as Task;
      removeFrom(this.byService, t.ServiceID, t.ID);
      if (t.NodeID) removeFrom(this.byNode, t.NodeID, t.ID);
      this.count(t, -1);
    }
  }

  private count(t: Task, by: 1 | -1) {
    const running = t.DesiredState === 'running' && t.Status.State === 'running';
    const complete = t.Status.State === 'complete';
    if (!running && !complete) return;
    let c = this.counts.get(t.ServiceID);
    if (!c) this.counts.set(t.ServiceID, (c = { running: 0, complete: 0 }));
    if (running) c.running += by;
    if (complete) c.complete += by;
    if (c.running === 0 && c.complete === 0) this.counts.delete(t.ServiceID);
  }

  private remember(requestId: string, index: number) {
    this.applied.set(requestId, index);
    if (this.applied.size > DEDUP_WINDOW) {
      const oldest = this.applied.keys().next().value as string;
      this.applied.delete(oldest);
    }
  }
}

function nameConflict(kind: ObjectKind, name: string) {
  return new FlotillaError('conflict', `rpc error: code = AlreadyExists desc = name conflicts with an existing object: ${kind} ${name} already exists`);
}

function addTo(m: Map<string, Map<string, Task>>, k: string, t: Task) {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Map()));
  s.set(t.ID, t);
}

function removeFrom(m: Map<string, Map<string, Task>>, k: string, id: string) {
  const s = m.get(k);
  if (!s) return;
  s.delete(id);
  if (s.size === 0) m.delete(k);
}

/** Whether a report's host-range ports are the ones the task holds (same ports, same order). */
function samePorts(a: readonly PortConfig[], b: readonly PortConfig[] | undefined): boolean {
  const key = (ps: readonly PortConfig[]) => ps.map((p) => `${p.TargetPort}/${p.Protocol ?? 'tcp'}/${p.HostIP ?? ''}=${p.PublishedPort}`).join(',');
  return key(a) === key(b ?? []);
}
