import { describe, expect, it } from 'vitest';
import type { TimedEvent } from '@flotilla/contracts';
import { EventRing, eventLine, replay } from './event-history';

const ev = (n: number, type = 'service'): TimedEvent => ({
  message: { Type: type, Action: 'create', Actor: { ID: `id${n}`, Attributes: { name: `n${n}` } }, scope: 'swarm', time: n, timeNano: n * 1e9 },
  nanos: BigInt(n) * 1_000_000_000n,
});
const ids = (es: TimedEvent[]) => es.map((e) => e.message.Actor.ID);

describe('EventRing', () => {
  it('keeps the last `capacity` events, oldest first', () => {
    const r = new EventRing(3);
    for (let i = 1; i <= 5; i++) r.push(ev(i));
    expect(ids(r.all())).toEqual(['id3', 'id4', 'id5']);
  });
  it('holds fewer than capacity in order', () => {
    const r = new EventRing(3);
    r.push(ev(1));
    r.push(ev(2));
    expect(ids(r.all())).toEqual(['id1', 'id2']);
  });
});

describe('replay', () => {
  const swarm = new EventRing(10);
  const local = new EventRing(10);
  [1, 3, 5].forEach((n) => swarm.push(ev(n)));
  [2, 4].forEach((n) => local.push(ev(n, 'container')));
  const all = () => true;

  it('nothing without since or until (Docker streams live events only)', () => {
    expect(replay([swarm, local], undefined, undefined, all)).toEqual([]);
  });
  it('merges the sources in time order within [since, until]', () => {
    expect(ids(replay([swarm, local], 2_000_000_000n, 4_000_000_000n, all))).toEqual(['id2', 'id3', 'id4']);
    expect(ids(replay([swarm, local], undefined, 3_000_000_000n, all))).toEqual(['id1', 'id2', 'id3']);
    expect(ids(replay([swarm, local], 4_000_000_000n, undefined, all))).toEqual(['id4', 'id5']);
  });
  it('applies the filter', () => {
    expect(ids(replay([swarm, local], 0n, undefined, (e) => e.message.Type === 'container'))).toEqual(['id2', 'id4']);
  });
});

describe('eventLine', () => {
  it('writes one JSON line with the exact nanoseconds', () => {
    const e: TimedEvent = { ...ev(1), nanos: 1796357263006281256n };
    const line = eventLine(e);
    expect(line.endsWith('}\n')).toBe(true);
    expect(line).toContain('"timeNano":1796357263006281256}');
    expect(JSON.parse(line)).toMatchObject({ Type: 'service', Action: 'create', scope: 'swarm', Actor: { ID: 'id1' } });
  });
  it('an attribute named timeNano is left alone', () => {
    const e = ev(1);
    e.message.Actor.Attributes.timeNano = '0';
    e.nanos = 42n;
    expect(JSON.parse(eventLine(e)).Actor.Attributes.timeNano).toBe('0');
    expect(eventLine(e)).toContain('"timeNano":42}');
  });
});
