/** A min-heap of timed callbacks; ties run in scheduling order, so a run is a pure function of its seed. */
interface Ev {
  t: number;
  seq: number;
  fn: () => void;
}

export class EventQueue {
  private heap: Ev[] = [];
  private seq = 0;
  now = 0;

  at(t: number, fn: () => void): void {
    const ev = { t: Math.max(t, this.now), seq: this.seq++, fn };
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p], ev)) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = ev;
  }

  after(dt: number, fn: () => void): void {
    this.at(this.now + dt, fn);
  }

  /** Runs events up to time `until`; returns false when the queue ran dry. */
  runUntil(until: number, onEach?: () => boolean): boolean {
    for (;;) {
      const top = this.heap[0];
      if (!top) return false;
      if (top.t > until) {
        this.now = until;
        return true;
      }
      this.pop();
      this.now = top.t;
      top.fn();
      if (onEach && !onEach()) return true;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Ev;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && less(h[r], h[l]) ? r : l;
      if (less(last, h[c])) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
  }
}

function less(a: Ev, b: Ev): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}
