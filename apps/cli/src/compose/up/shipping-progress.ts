import { shippedImageOf, type StackState } from '@flotilla/contracts';

/**
 * Image distribution as `compose up` shows it: a line when a node starts fetching a built image from
 * the manager (its task `preparing` says `shipping image X`), and `... done` once no task of that node
 * waits for it any more. Pure over successive stack states; `lines` returns only what is new.
 */
export class ShippingProgress {
  private readonly active = new Set<string>();

  lines(s: StackState): string[] {
    const now = new Set<string>();
    for (const t of s.tasks) {
      const image = t.Status.State === 'preparing' ? shippedImageOf(t.Status.Message) : undefined;
      if (image && t.NodeID) now.add(`${image} ${t.NodeID}`);
    }
    const out: string[] = [];
    for (const k of now) if (!this.active.has(k)) out.push(`${line(k)} ...`);
    for (const k of this.active) if (!now.has(k)) out.push(`${line(k)} ... done`);
    this.active.clear();
    for (const k of now) this.active.add(k);
    return out;
  }
}

function line(key: string): string {
  const [image, node] = key.split(' ');
  return `Shipping image ${image} to node ${node.slice(0, 12)}`;
}
