import { TASK_STATES } from '@flotilla/contracts';
import type { StateView } from '@flotilla/state';

/** One gauge sample: label values by label name. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** What the state gauges show at one index, ready to hand to prom-client at scrape time. */
export interface StateGauges {
  /** Tasks by service, current state and desired state (history included, as `service ps` lists it). */
  readonly tasks: Sample[];
  /** Tasks by current state across the cluster, every state present (zero too), as swarmkit's gauge. */
  readonly tasksByState: Sample[];
  /** Nodes by status, availability and role, every combination present. */
  readonly nodes: Sample[];
  /** Objects in the store by kind. */
  readonly objects: Sample[];
  /** Tasks waiting for a node, by the scheduler's explanation. */
  readonly pending: Sample[];
}

const NODE_STATES = ['unknown', 'down', 'ready', 'disconnected'] as const;
const AVAILABILITIES = ['active', 'pause', 'drain'] as const;
const ROLES = ['worker', 'manager'] as const;
/** Said of a pending task the scheduler has not explained yet (a pass has not looked at it). */
export const UNSCHEDULED = 'not yet scheduled';

/**
 * The state gauges as a pure function of the store's view: computed at each
 * scrape, so they equal what `service ps` and `node ls` read at that index.
 * Labels stay bounded: service names and the scheduler's reasons, never task ids.
 */
export function stateGauges(view: StateView): StateGauges {
  const byService = new Counter();
  const byState = new Counter();
  const pending = new Counter();
  for (const t of view.tasks.values()) {
    // A task whose service is gone (being removed) is still a task in the store.
    const service = view.services.get(t.ServiceID)?.Spec.Name ?? t.ServiceID;
    const state = t.Status.State;
    const desired = t.DesiredState;
    byService.add(`${service}\0${state}\0${desired}`, () => ({ service, state, desired_state: desired }));
    byState.add(state, () => ({ state }));
    // As the scheduler picks its work: wanted, and not on a node yet.
    const wanted = desired === 'running' || desired === 'complete';
    if (wanted && (state === 'new' || state === 'pending')) {
      const reason = t.Status.Err || UNSCHEDULED;
      pending.add(reason, () => ({ reason }));
    }
  }
  const nodes = new Counter();
  for (const n of view.nodes.values()) {
    const labels = { state: n.Status.State, availability: n.Spec.Availability, role: n.Spec.Role };
    nodes.add(labelKey(labels), () => labels);
  }
  const allNodes: Record<string, string>[] = [];
  for (const state of NODE_STATES) for (const availability of AVAILABILITIES) for (const role of ROLES) allNodes.push({ state, availability, role });
  return {
    tasks: byService.samples(),
    tasksByState: byState.samples(TASK_STATES.map((state) => ({ state }))),
    nodes: nodes.samples(allNodes),
    objects: [
      { labels: { kind: 'node' }, value: view.nodes.size },
      { labels: { kind: 'service' }, value: view.services.size },
      { labels: { kind: 'task' }, value: view.tasks.size },
      { labels: { kind: 'network' }, value: view.networks.size },
      { labels: { kind: 'volume' }, value: view.volumes.size },
      { labels: { kind: 'secret' }, value: view.secrets.size },
      { labels: { kind: 'config' }, value: view.configs.size },
    ],
    pending: pending.samples(),
  };
}

/** A label set's key: its values in order (each counter's sets share one order of names). */
function labelKey(labels: Record<string, string>): string {
  return Object.values(labels).join('\0');
}

/**
 * Counts label sets by key; `samples(zeros)` lists the given sets even when nothing was counted for
 * them. The labels object is made once per set: a scrape over 100k tasks that made and stringified
 * three per task held the leader's loop ~100 ms.
 */
class Counter {
  private readonly counts = new Map<string, { labels: Record<string, string>; value: number }>();

  add(key: string, labels: () => Record<string, string>): void {
    const c = this.counts.get(key);
    if (c) c.value++;
    else this.counts.set(key, { labels: labels(), value: 1 });
  }

  samples(zeros: Record<string, string>[] = []): Sample[] {
    for (const labels of zeros) {
      const key = labelKey(labels);
      if (!this.counts.has(key)) this.counts.set(key, { labels, value: 0 });
    }
    return [...this.counts.values()];
  }
}
