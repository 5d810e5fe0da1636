import { describe, expect, it } from 'vitest';
import { LOCAL_SETTLE_MS, settleFor } from './event-settle';

/** One line of the engine's event stream, as dockerd writes it. */
const event = (action: string) => JSON.stringify({ status: action, id: 'c1', Type: 'container', Action: action, Actor: { ID: 'c1', Attributes: {} } }) + '\n';

describe('settleFor', () => {
  it.each(['health_status: healthy', 'health_status: unhealthy', 'health_status: starting'])('looks at once on %s', (action) => {
    expect(settleFor(event(action))).toBe(0);
  });

  it('looks at once when a health verdict comes in a chunk with other events', () => {
    expect(settleFor(event('die') + event('health_status: healthy'))).toBe(0);
  });

  it.each(['start', 'die', 'destroy', 'oom', 'pause', 'unpause'])('waits for the burst on %s', (action) => {
    expect(settleFor(event(action))).toBe(LOCAL_SETTLE_MS);
  });

  it('is not fooled by a label value that mentions health', () => {
    const e = JSON.stringify({ Action: 'start', Actor: { Attributes: { note: 'health_status' } } });
    expect(settleFor(e)).toBe(LOCAL_SETTLE_MS);
  });
});
