import { humanSize } from '@flotilla/contracts';
import type { ProgressFrame, ProgressLine } from './service-progress';
import type { ProgressWriter } from './progress-writer';

/**
 * Progress of bytes sent somewhere (an image shipped to a node, pushed, loaded), in
 * the shape of docker's push/pull lines: `ID: Pushing [====>   ]  1.536kB/3.2MB`, then
 * `ID: Pushed`. The image-shipping code calls it; it decides nothing about what is sent.
 */
export type TransferState = 'waiting' | 'sending' | 'done' | 'failed';

export interface TransferItem {
  /** What is sent or where: a node's name, an image id (12 characters, as docker shows layers). */
  readonly id: string;
  readonly state: TransferState;
  readonly current: number;
  readonly total?: number;
  readonly err?: string;
}

/** The verbs a kind of transfer shows (docker push: Waiting, Pushing, Pushed). */
export interface TransferWords {
  readonly waiting: string;
  readonly sending: string;
  readonly done: string;
}

export const PUSH_WORDS: TransferWords = { waiting: 'Waiting', sending: 'Pushing', done: 'Pushed' };
export const SHIP_WORDS: TransferWords = { waiting: 'Waiting', sending: 'Sending', done: 'Loaded' };

// docker's units.HumanSize; the same text a node puts in its task's shipping message.
export { humanSize };

function line(t: TransferItem, w: TransferWords): ProgressLine {
  switch (t.state) {
    case 'waiting':
      return { id: t.id, text: w.waiting };
    case 'done':
      return { id: t.id, text: w.done };
    case 'failed':
      return { id: t.id, text: t.err ?? 'failed' };
    default:
      if (!t.total) return { id: t.id, text: w.sending, after: humanSize(t.current) };
      return { id: t.id, text: w.sending, bar: { current: t.current, total: t.total }, after: `${humanSize(t.current).padStart(8)}/${humanSize(t.total)}` };
  }
}

/** One line per item, in the order they were first seen; done when none is waiting or sending. */
export function transferFrame(items: readonly TransferItem[], words: TransferWords = SHIP_WORDS): ProgressFrame {
  return { lines: items.map((t) => line(t, words)), done: items.every((t) => t.state === 'done' || t.state === 'failed') };
}

/**
 * What image shipping calls as it goes: `start(id, total)`, `advance(id, bytes)`,
 * `done(id)` or `fail(id, err)`, then `end()`. Each call redraws (a terminal) or
 * prints what changed (a pipe) through the writer it is given.
 */
export class TransferProgress {
  private readonly items = new Map<string, TransferItem>();

  constructor(
    private readonly writer: ProgressWriter,
    private readonly words: TransferWords = SHIP_WORDS,
  ) {}

  wait(id: string): void {
    this.set({ id, state: 'waiting', current: 0 });
  }
  start(id: string, total?: number): void {
    this.set({ id, state: 'sending', current: 0, total });
  }
  advance(id: string, bytes: number): void {
    const t = this.items.get(id) ?? { id, state: 'sending' as const, current: 0 };
    this.set({ ...t, state: 'sending', current: t.current + bytes });
  }
  done(id: string): void {
    this.set({ ...(this.items.get(id) ?? { id, current: 0 }), state: 'done' });
  }
  fail(id: string, err: string): void {
    this.set({ ...(this.items.get(id) ?? { id, current: 0 }), state: 'failed', err });
  }
  end(): void {
    this.writer.end();
  }

  private set(t: TransferItem): void {
    this.items.set(t.id, t);
    this.writer.update(transferFrame([...this.items.values()], this.words));
  }
}
