import { describe, expect, it } from 'vitest';
import { timedCalls } from './timed-calls';

class Engine {
  calls = 0;
  async start(id: string) {
    this.calls++;
    return `started ${id}`;
  }
  async stop(): Promise<void> {
    throw new Error('No such container');
  }
  sync() {
    throw new Error('boom');
  }
  async untimed() {
    return this.calls;
  }
  readonly label = 'unix:///x';
}

describe('timedCalls', () => {
  const setup = () => {
    const seen: [string, string][] = [];
    const e = timedCalls(new Engine(), ['start', 'stop', 'sync'], (call, outcome, s) => {
      expect(s).toBeGreaterThanOrEqual(0);
      seen.push([call, outcome]);
    });
    return { e, seen };
  };

  it('times a call that resolves, keeping its result and its `this`', async () => {
    const { e, seen } = setup();
    await expect(e.start('a')).resolves.toBe('started a');
    expect(e.calls).toBe(1);
    expect(seen).toEqual([['start', 'ok']]);
  });

  it('times a call that rejects, and rejects the same', async () => {
    const { e, seen } = setup();
    await expect(e.stop()).rejects.toThrow('No such container');
    expect(seen).toEqual([['stop', 'error']]);
  });

  it('times a call that throws at once', () => {
    const { e, seen } = setup();
    expect(() => e.sync()).toThrow('boom');
    expect(seen).toEqual([['sync', 'error']]);
  });

  it('leaves other methods and fields alone', async () => {
    const { e, seen } = setup();
    await e.untimed();
    expect(e.label).toBe('unix:///x');
    expect(seen).toEqual([]);
  });
});
