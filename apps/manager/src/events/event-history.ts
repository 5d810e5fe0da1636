import type { TimedEvent } from '@flotilla/contracts';

/**
 * The last `capacity` events, oldest first: what `since` can replay. Docker
 * keeps 256 per engine; flotilla keeps one ring per source (swarm, local
 * engine) so a busy engine cannot push the cluster's history out.
 */
export class EventRing {
  private readonly items: (TimedEvent | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<TimedEvent | undefined>(capacity);
  }

  push(e: TimedEvent): void {
    this.items[this.next] = e;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Events in arrival order. */
  all(): TimedEvent[] {
    const start = (this.next - this.count + this.capacity) % this.capacity;
    const out: TimedEvent[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(start + i) % this.capacity]!);
    return out;
  }
}

/**
 * Docker's buffered replay: nothing unless `since` or `until` is given, else
 * every kept event in [since, until] that passes the filter, in time order
 * (the sources' rings merged; a stable sort keeps a batch's order).
 */
export function replay(rings: readonly EventRing[], since: bigint | undefined, until: bigint | undefined, keep: (e: TimedEvent) => boolean): TimedEvent[] {
  if (since === undefined && until === undefined) return [];
  return rings
    .flatMap((r) => r.all())
    .filter((e) => (since === undefined || e.nanos >= since) && (until === undefined || e.nanos <= until) && keep(e))
    .sort((a, b) => (a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0));
}

/** One event as a line of the stream, with its exact nanosecond time (a JS number would round it). */
export function eventLine(e: TimedEvent): string {
  const json = JSON.stringify({ ...e.message, timeNano: 0 });
  return `${json.replace(/"timeNano":0(?=[,}])/, `"timeNano":${e.nanos}`)}\n`;
}
