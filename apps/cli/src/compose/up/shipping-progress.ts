import { shippingOf, type StackState } from '@flotilla/contracts';
import type { ProgressFrame } from '../../progress/service-progress';
import { SHIP_WORDS, transferFrame, type TransferItem } from '../../progress/transfer-progress';

interface Shipment {
  image: string;
  node: string;
  current?: number;
  total?: number;
}

/**
 * Image distribution as `compose up` shows it, from the preparing tasks' messages (`shipping image X`,
 * then `shipping image X: 3.2MB/10.1MB` as the bytes arrive). Piped: a line when a node starts
 * fetching, `... done` once no task of that node waits for it any more (`lines`, only what is new).
 * On a terminal: every transfer seen, with a bar of its bytes, redrawn in place (`frame`), as docker
 * draws a pull. Pure over successive stack states.
 */
export class ShippingProgress {
  private readonly active = new Map<string, Shipment>();
  /** Every transfer seen, in order, for the terminal's frame. */
  private readonly seen = new Map<string, TransferItem>();

  /** Takes the next stack state: the transfers that started and those that ended since the last. */
  private observe(s: StackState): { started: Shipment[]; ended: Shipment[] } {
    const now = new Map<string, Shipment>();
    for (const t of s.tasks) {
      const ship = t.Status.State === 'preparing' ? shippingOf(t.Status.Message) : undefined;
      if (!ship || !t.NodeID) continue;
      const key = `${ship.image} ${t.NodeID}`;
      const prev = now.get(key);
      // Tasks of one node share one transfer: the furthest message is the news.
      if (!prev || (ship.current ?? 0) > (prev.current ?? 0)) now.set(key, { image: ship.image, node: t.NodeID, current: ship.current, total: ship.total });
    }
    const started = [...now].filter(([k]) => !this.active.has(k)).map(([, v]) => v);
    const ended = [...this.active].filter(([k]) => !now.has(k)).map(([, v]) => v);
    this.active.clear();
    for (const [k, v] of now) this.active.set(k, v);
    // No bytes yet: `Waiting`, as docker shows a layer before its download starts.
    for (const v of now.values()) this.seen.set(label(v), { id: label(v), state: v.current === undefined ? 'waiting' : 'sending', current: v.current ?? 0, total: v.total });
    for (const v of ended) this.seen.set(label(v), { ...this.seen.get(label(v))!, state: 'done' });
    return { started, ended };
  }

  /** Plain lines: what started and what ended since the last state. */
  lines(s: StackState): string[] {
    const { started, ended } = this.observe(s);
    return [...started.map((v) => `Shipping image ${label(v)} ...`), ...ended.map((v) => `Shipping image ${label(v)} ... done`)];
  }

  /** The terminal's frame after this state: one line per transfer, `Sending [==>  ]  3.2MB/10.1MB`, then `Loaded`. */
  frame(s: StackState): ProgressFrame {
    this.observe(s);
    return transferFrame([...this.seen.values()], SHIP_WORDS);
  }
}

const label = (v: Shipment) => `${v.image} to node ${v.node.slice(0, 12)}`;
