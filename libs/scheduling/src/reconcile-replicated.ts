import { newTask, taskStateRank, type Service, type SwarmNode, type Task } from '@flotilla/contracts';
import { forgetSlot, reconcileSlot, RollTally, slotOf, trimSlot, type ServiceContext, type Slot, type SlotContext } from './reconcile-slot';
import { sameSpec } from './spec-equal';
import { ITEMS_PER_STEP, type Steps } from './steps';

const RUNNING = taskStateRank('running');
// Bound once: a call through the barrel's re-export getter costs more than the lookup itself.
const rankOf = taskStateRank;
const isUpToDate = sameSpec;

export function replicasOf(svc: Service): number {
  return 'Replicated' in svc.Spec.Mode ? Math.max(0, svc.Spec.Mode.Replicated.Replicas ?? 1) : 0;
}

/** A replicated task stays where it is unless its node is down, drained or gone. */
export function nodeUsable(nodes: ReadonlyMap<string, SwarmNode>, id: string | undefined): boolean {
  if (!id) return true;
  const n = nodes.get(id);
  return n !== undefined && n.Status.State !== 'down' && n.Spec.Availability !== 'drain';
}

/**
 * Slots 1..N each get one live up-to-date task (swarmkit's replicated
 * orchestrator); slots above N, and tasks without a slot, are shut down,
 * highest slot first, and their history goes.
 *
 * Most slots of a settled (or settling) service hold exactly one task, live,
 * up to date and on a usable node: such a slot needs nothing, and only counts
 * as in flight for a rolling update until its task runs. They are told apart
 * without building the slot (a 100k-replica service is re-read on every pass);
 * every other slot takes the general path. The plan is the same either way.
 */
export function* reconcileReplicated(svc: Service, tasks: readonly Task[], sc: ServiceContext): Steps<void> {
  const want = replicasOf(svc);
  // Slots 1..want: the slot's only task, or its list once it has several.
  const inRange = new Array<Task | Task[] | undefined>(want + 1);
  const outside = new Map<number, Task[]>();
  for (let i = 0; i < tasks.length; i++) {
    if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
    const t = tasks[i];
    const s = t.Slot ?? 0;
    if (s < 1 || s > want) {
      const list = outside.get(s);
      if (list) list.push(t);
      else outside.set(s, [t]);
      continue;
    }
    const cur = inRange[s];
    if (cur === undefined) inRange[s] = t;
    else if (Array.isArray(cur)) cur.push(t);
    else inRange[s] = [cur, t];
  }
  // One answer per node for the whole service, not one nodes lookup per task.
  const usableById = new Map<string, boolean>();
  const usable = (id: string | undefined) => {
    if (!id) return true;
    let u = usableById.get(id);
    if (u === undefined) usableById.set(id, (u = nodeUsable(sc.nodes, id)));
    return u;
  };
  const ctx: SlotContext = { plan: sc.plan, now: sc.now, newId: sc.newId, svc, nodeUsable: usable, canCreate: true };

  const extra = [...outside.keys()].sort((a, b) => b - a);
  for (const s of extra) forgetSlot(slotOf(s, undefined, outside.get(s)), ctx);

  const slots: Slot[] = [];
  const tally = new RollTally();
  for (let s = 1; s <= want; s++) {
    if (s % ITEMS_PER_STEP === 0) yield;
    const cur = inRange[s];
    if (cur !== undefined && !Array.isArray(cur)) {
      // Live (wanted, not finished), on a usable node, on the current spec: nothing to do. (A held
      // stop-first replacement, desired `ready`, is reconcileSlot's to release.)
      const state = rankOf(cur.Status.State);
      if (cur.DesiredState !== 'ready' && rankOf(cur.DesiredState) <= RUNNING && state <= RUNNING && usable(cur.NodeID) && isUpToDate(cur, svc)) {
        if (state < RUNNING) tally.inflight++;
        continue;
      }
    }
    if (cur === undefined) {
      // An empty slot beyond the plan's share of creations waits for the next pass.
      if (sc.maxCreates !== undefined && sc.plan.createdCount >= sc.maxCreates) continue;
      // Otherwise it gets one new task, and has nothing to retire, count for an update or trim
      // (what reconcileSlot and trimSlot do with it, without building the slot: 100k of them per pass on a scale-up).
      sc.plan.create(newTask(svc, { slot: s }, ctx));
      continue;
    }
    const slot = slotOf(s, undefined, cur === undefined ? undefined : Array.isArray(cur) ? cur : [cur]);
    slots.push(slot);
    tally.add(slot, reconcileSlot(slot, ctx));
  }
  tally.roll(ctx);
  for (const slot of slots) trimSlot(slot, sc.historyLimit, ctx);
}
