import type { Service, SwarmNode, Task } from '@flotilla/contracts';
import { forgetSlot, reconcileSlot, RollTally, slotOf, trimSlot, type ServiceContext, type Slot, type SlotContext } from './reconcile-slot';

export function replicasOf(svc: Service): number {
  return 'Replicated' in svc.Spec.Mode ? Math.max(0, svc.Spec.Mode.Replicated.Replicas ?? 1) : 0;
}

/** A replicated task stays where it is unless its node is down, drained or gone. */
function nodeUsable(nodes: ReadonlyMap<string, SwarmNode>, id: string | undefined): boolean {
  if (!id) return true;
  const n = nodes.get(id);
  return n !== undefined && n.Status.State !== 'down' && n.Spec.Availability !== 'drain';
}

/**
 * Slots 1..N each get one live up-to-date task (swarmkit's replicated
 * orchestrator); slots above N, and tasks without a slot, are shut down,
 * highest slot first, and their history goes.
 */
export function reconcileReplicated(svc: Service, tasks: readonly Task[], sc: ServiceContext): void {
  const want = replicasOf(svc);
  const bySlot = new Map<number, Task[]>();
  for (const t of tasks) {
    const s = t.Slot ?? 0;
    const list = bySlot.get(s);
    if (list) list.push(t);
    else bySlot.set(s, [t]);
  }
  const ctx: SlotContext = { plan: sc.plan, now: sc.now, newId: sc.newId, svc, nodeUsable: (id) => nodeUsable(sc.nodes, id), canCreate: true };

  const extra = [...bySlot.keys()].filter((s) => s < 1 || s > want).sort((a, b) => b - a);
  for (const s of extra) forgetSlot(slotOf(s, undefined, bySlot.get(s)), ctx);

  const slots: Slot[] = [];
  const tally = new RollTally();
  for (let s = 1; s <= want; s++) {
    const slot = slotOf(s, undefined, bySlot.get(s));
    slots.push(slot);
    tally.add(slot, reconcileSlot(slot, ctx));
  }
  tally.roll(ctx);
  for (const slot of slots) trimSlot(slot, sc.historyLimit, ctx);
}
