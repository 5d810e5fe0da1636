import type { Service, Task } from '@flotilla/contracts';
import { compilePlacement } from './constraint';
import { forgetSlot, reconcileSlot, retire, RollTally, slotOf, trimSlot, type ServiceContext, type Slot, type SlotContext } from './reconcile-slot';
import { endedWhileWanted, isLive } from './task-order';

/**
 * One task per eligible node (swarmkit's global orchestrator). A node that
 * is down, drained, gone or fails the placement loses its task; a paused or
 * not-yet-ready node keeps what it runs and gets nothing new.
 */
export function reconcileGlobal(svc: Service, tasks: readonly Task[], sc: ServiceContext): void {
  const placement = compilePlacement(svc.Spec.TaskTemplate.Placement);
  const byNode = new Map<string, Task[]>();
  for (const t of tasks) {
    // A task with a slot came from the service's replicated past: it has no node to belong to here.
    const key = t.Slot ? '' : (t.NodeID ?? '');
    const list = byNode.get(key);
    if (list) list.push(t);
    else byNode.set(key, [t]);
  }
  // Node eligibility is decided per node below, so within a slot every node is usable.
  const base: SlotContext = { plan: sc.plan, now: sc.now, newId: sc.newId, svc, nodeUsable: () => true, canCreate: true };
  const paused: SlotContext = { ...base, canCreate: false };

  const slots: Slot[] = [];
  const tally = new RollTally();
  const nodeIds = [...sc.nodes.keys()].sort();
  for (const id of nodeIds) {
    const node = sc.nodes.get(id)!;
    const slot = slotOf(undefined, id, byNode.get(id));
    byNode.delete(id);
    if (node.Status.State === 'down' || node.Spec.Availability === 'drain' || !placement.matches(node)) {
      for (const t of slot.history) if (isLive(t) || endedWhileWanted(t)) retire(t, base);
      trimSlot(slot, sc.historyLimit, base);
      continue;
    }
    const active = node.Status.State === 'ready' && node.Spec.Availability === 'active';
    const ctx = active ? base : paused;
    slots.push(slot);
    tally.add(slot, reconcileSlot(slot, ctx));
  }
  tally.roll(base);
  for (const slot of slots) trimSlot(slot, sc.historyLimit, base);

  // Tasks of nodes that left the cluster (or without a node): stop, then forget.
  for (const [key, list] of [...byNode].sort((a, b) => (a[0] < b[0] ? -1 : 1))) forgetSlot(slotOf(undefined, key || undefined, list), base);
}
