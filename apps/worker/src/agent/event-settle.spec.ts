import { describe, expect, it } from 'vitest';
import { LOCAL_SETTLE_MS, lookFor } from './event-settle';

/** One line of the engine's event stream, as dockerd writes it (the container's labels among the attributes). */
const event = (action: string, id = 'c1', task = 't1') =>
  JSON.stringify({ status: action, id, Type: 'container', Action: action, Actor: { ID: id, Attributes: { 'com.docker.swarm.task.id': task, image: 'x' } } }) + '\n';

const nothingInFlight = () => false;

describe('lookFor', () => {
  it.each(['health_status: healthy', 'health_status: unhealthy', 'health_status: starting'])('looks at once on %s', (action) => {
    expect(lookFor(event(action), nothingInFlight)).toBe(0);
  });

  it('looks at once when a health verdict comes in a chunk with other events', () => {
    expect(lookFor(event('die') + event('health_status: healthy'), nothingInFlight)).toBe(0);
  });

  it.each(['start', 'die', 'destroy', 'oom', 'pause', 'unpause'])('waits for the burst on %s', (action) => {
    expect(lookFor(event(action), nothingInFlight)).toBe(LOCAL_SETTLE_MS);
  });

  it('is not fooled by a label value that mentions health', () => {
    const e = JSON.stringify({ Action: 'start', Actor: { Attributes: { note: 'health_status' } } });
    expect(lookFor(e, nothingInFlight)).toBe(LOCAL_SETTLE_MS);
  });

  describe('containers the worker is acting on', () => {
    // A stop round on task t1 (keyed by task), a removal of container c9 (keyed by container).
    const inFlight = (task: string | undefined, container: string | undefined) => task === 't1' || container === 'c9';

    it.each(['start', 'die', 'destroy'])('a %s of a task in flight asks for no look (its action\'s end looks)', (action) => {
      expect(lookFor(event(action, 'c1', 't1'), inFlight)).toBeUndefined();
    });

    it('a removal in flight, known by its container', () => {
      expect(lookFor(event('destroy', 'c9', 'gone'), inFlight)).toBeUndefined();
    });

    it('a burst of its own events asks for nothing; one other container in it asks for the look', () => {
      expect(lookFor(event('die', 'c1', 't1') + event('destroy', 'c9', 'x'), inFlight)).toBeUndefined();
      expect(lookFor(event('die', 'c1', 't1') + event('die', 'c2', 't2'), inFlight)).toBe(LOCAL_SETTLE_MS);
    });

    it('its health verdicts, out-of-memory kills and pauses still ask (no action of the worker causes them)', () => {
      expect(lookFor(event('health_status: unhealthy', 'c1', 't1'), inFlight)).toBe(0);
      for (const action of ['oom', 'pause', 'unpause']) expect(lookFor(event(action, 'c1', 't1'), inFlight)).toBe(LOCAL_SETTLE_MS);
    });

    it('an event split across chunks asks for a look rather than be misread', () => {
      const e = event('die', 'c1', 't1');
      expect(lookFor(e.slice(0, 40), inFlight)).toBe(LOCAL_SETTLE_MS);
      expect(lookFor(e.slice(40), inFlight)).toBe(LOCAL_SETTLE_MS);
    });
  });
});
