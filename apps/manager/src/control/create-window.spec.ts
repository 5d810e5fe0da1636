import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Task } from '@flotilla/contracts';
import { createWindow } from './create-window';

const task = (id: string) => ({ ID: id }) as Task;

describe('createWindow', () => {
  it('keeps everything when the plan fits the window', () => {
    const planned = [task('a'), task('b')];
    expect(createWindow(planned, new Map([['a', 'n2']]), 2).map((t) => t.ID)).toEqual(['a', 'b']);
  });

  it('commits whole nodes in node order, then the unplaced', () => {
    const planned = ['t1', 't2', 't3', 't4', 't5', 't6'].map(task);
    const placed = new Map([
      ['t1', 'n3'],
      ['t2', 'n1'],
      ['t3', 'n2'],
      ['t4', 'n1'],
      ['t5', 'n2'],
    ]);
    expect(createWindow(planned, placed, 5).map((t) => t.ID)).toEqual(['t2', 't4', 't3', 't5', 't1']);
    // n3 does not fit after n1 and n2: the window stops at whole nodes.
    expect(createWindow(planned, placed, 4).map((t) => t.ID)).toEqual(['t2', 't4', 't3', 't5']);
    expect(createWindow(planned, placed, 3).map((t) => t.ID)).toEqual(['t2', 't4', 't6']);
  });

  it('cuts a first node larger than the window instead of committing nothing', () => {
    const planned = ['a', 'b', 'c'].map(task);
    const placed = new Map(planned.map((t) => [t.ID, 'n1']));
    expect(createWindow(planned, placed, 2).map((t) => t.ID)).toEqual(['a', 'b']);
  });

  it('never exceeds the window, never repeats a task, and commits something', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 70 }),
        (nodes, limit) => {
          const planned = nodes.map((_, i) => task(`t${i}`));
          const placed = new Map<string, string>();
          nodes.forEach((n, i) => n !== undefined && placed.set(`t${i}`, `n${n}`));
          const out = createWindow(planned, placed, limit);
          expect(out.length).toBeLessThanOrEqual(limit);
          expect(out.length).toBeGreaterThan(0);
          expect(new Set(out.map((t) => t.ID)).size).toBe(out.length);
          // Every node but the last one taken is taken whole.
          const taken = new Map<string, number>();
          for (const t of out) if (placed.has(t.ID)) taken.set(placed.get(t.ID)!, (taken.get(placed.get(t.ID)!) ?? 0) + 1);
          const order = [...taken.keys()];
          for (const n of order.slice(0, -1)) expect(taken.get(n)).toBe(nodes.filter((x) => `n${x}` === n).length);
        },
      ),
    );
  });
});
