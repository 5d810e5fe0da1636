import { describe, expect, it } from 'vitest';
import type { AssignmentSet, Task } from '@flotilla/contracts';
import { quietDelta } from './quiet-delta';

const task = (id: string) => ({ ID: id, DesiredState: 'running', Status: { State: 'running' } }) as unknown as Task;
const held: AssignmentSet = { nodeId: 'n1', index: 10, tasks: [task('a'), task('b')], networks: [], volumes: [], endpoints: [], managers: ['m1'] };
const delta = (d: Partial<AssignmentSet>): AssignmentSet => ({ nodeId: 'n1', index: 11, since: 10, tasks: [], networks: [], volumes: [], endpoints: [], managers: ['m1'], ...d });
const patch = (id: string) => ({ ID: id, Version: { Index: 11 }, UpdatedAt: '', Status: { State: 'shutdown' } }) as never;

describe('quietDelta', () => {
  it('status patches of tasks whose stop is in flight, nothing else moved: no look', () => {
    expect(quietDelta(held, delta({ statuses: [patch('a'), patch('b')] }), new Set(['a', 'b']))).toBe(true);
    expect(quietDelta(held, delta({ tasks: [task('a')], removed: ['b'] }), new Set(['a', 'b']))).toBe(true);
  });

  it('a task touched that has nothing in flight: look', () => {
    expect(quietDelta(held, delta({ statuses: [patch('a'), patch('b')] }), new Set(['a']))).toBe(false);
    expect(quietDelta(held, delta({ tasks: [task('c')] }), new Set(['a', 'b']))).toBe(false);
    expect(quietDelta(held, delta({ removed: ['b'] }), new Set(['a']))).toBe(false);
  });

  it('nothing touched (a network allocated, a task waiting on it), or something else moved: look', () => {
    expect(quietDelta(held, delta({}), new Set(['a']))).toBe(false);
    expect(quietDelta(held, delta({ statuses: [patch('a')], networks: [{ ID: 'x' } as never] }), new Set(['a']))).toBe(false);
    expect(quietDelta(held, delta({ statuses: [patch('a')], managers: ['m1', 'm2'] }), new Set(['a']))).toBe(false);
  });

  it('a full set, or none held: look', () => {
    expect(quietDelta(held, { ...delta({ statuses: [patch('a')] }), since: undefined }, new Set(['a']))).toBe(false);
    expect(quietDelta(undefined, delta({ statuses: [patch('a')] }), new Set(['a']))).toBe(false);
  });
});
