import type { Config, EventMessage, Network, Secret, Service, SwarmNode, TimedEvent } from '@flotilla/contracts';
import type { Change, ChangeEvent } from '@flotilla/state';

/** The store kinds Docker reports as swarm events; tasks, volumes and the cluster object are not events in Docker. */
const EVENT_KINDS = new Set(['service', 'node', 'network', 'secret', 'config']);

type Attrs = Record<string, string>;

/**
 * Turns one applied batch into Docker's swarm-scope events, one per changed
 * object of a reported kind, in the batch's order. The time is the object's
 * own (CreatedAt for a create, UpdatedAt for an update) so every manager
 * reports the same time for the same change; a remove, or an update that did
 * not move UpdatedAt, takes `nowMs` (the moment this manager applied it).
 */
export function swarmEvents(event: ChangeEvent, nowMs: number): TimedEvent[] {
  const out: TimedEvent[] = [];
  for (const c of event.changes) {
    if (!EVENT_KINDS.has(c.kind) || (!c.before && !c.after)) continue;
    const action = !c.before ? 'create' : !c.after ? 'remove' : 'update';
    const obj = (c.after ?? c.before)!;
    const attrs = attributes(c, action);
    const ms = eventMs(c, action, nowMs);
    const nanos = BigInt(ms) * 1_000_000n;
    const message: EventMessage = {
      Type: c.kind,
      Action: action,
      Actor: { ID: obj.ID, Attributes: attrs },
      scope: 'swarm',
      time: Math.floor(ms / 1000),
      timeNano: ms * 1_000_000,
    };
    out.push({ message, nanos });
  }
  return out;
}

function eventMs(c: Change, action: string, nowMs: number): number {
  if (action === 'create') return parsed(c.after!.CreatedAt) ?? nowMs;
  if (action === 'update' && c.after!.UpdatedAt !== c.before!.UpdatedAt) return parsed(c.after!.UpdatedAt) ?? nowMs;
  return nowMs;
}

function parsed(iso: string | undefined): number | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

function attributes(c: Change, action: string): Attrs {
  switch (c.kind) {
    case 'service':
      return serviceAttrs(c.after as Service | undefined, c.before as Service | undefined, action);
    case 'node':
      return nodeAttrs(c.after as SwarmNode | undefined, c.before as SwarmNode | undefined, action);
    default: {
      const o = (c.after ?? c.before) as Network | Secret | Config;
      return { name: o.Spec.Name };
    }
  }
}

/** Docker names what changed in an update: image, replica count, update state (as `*.old`/`*.new`). */
function serviceAttrs(after: Service | undefined, before: Service | undefined, action: string): Attrs {
  const s = (after ?? before)!;
  const a: Attrs = { name: s.Spec.Name };
  if (action !== 'update' || !after || !before) return a;
  const img = after.Spec.TaskTemplate.ContainerSpec.Image;
  const oldImg = before.Spec.TaskTemplate.ContainerSpec.Image;
  if (img !== oldImg) Object.assign(a, { 'image.old': oldImg, 'image.new': img });
  const reps = replicas(after);
  const oldReps = replicas(before);
  if (reps !== undefined && oldReps !== undefined && reps !== oldReps) Object.assign(a, { 'replicas.old': String(oldReps), 'replicas.new': String(reps) });
  const st = after.UpdateStatus?.State;
  const oldSt = before.UpdateStatus?.State;
  if (st && !oldSt) a['updatestate.new'] = st;
  else if (st && oldSt && st !== oldSt) Object.assign(a, { 'updatestate.old': oldSt, 'updatestate.new': st });
  return a;
}

function replicas(s: Service): number | undefined {
  const m = s.Spec.Mode;
  // Docker stores an absent count as 1 (the CLI's default); a global service has none.
  return 'Replicated' in m ? (m.Replicated.Replicas ?? 1) : undefined;
}

/** Availability, role, state, leadership and reachability changes, as Docker names them. */
function nodeAttrs(after: SwarmNode | undefined, before: SwarmNode | undefined, action: string): Attrs {
  const n = (after ?? before)!;
  const a: Attrs = { name: n.Spec.Name || n.Description?.Hostname || '' };
  if (action !== 'update' || !after || !before) return a;
  const pair = (key: string, oldV: string | undefined, newV: string | undefined) => {
    if (oldV !== undefined && newV !== undefined && oldV !== newV) Object.assign(a, { [`${key}.old`]: oldV, [`${key}.new`]: newV });
  };
  pair('availability', before.Spec.Availability, after.Spec.Availability);
  pair('role', before.Spec.Role, after.Spec.Role);
  pair('state', before.Status.State, after.Status.State);
  if (after.ManagerStatus && before.ManagerStatus) {
    pair('leader', String(!!before.ManagerStatus.Leader), String(!!after.ManagerStatus.Leader));
    pair('reachability', before.ManagerStatus.Reachability, after.ManagerStatus.Reachability);
  }
  return a;
}
