import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RaftLog } from '../core/log';
import type { Entry } from '../core/types';
import { runSeed } from './run-seed';

describe('properties', () => {
  it('any seed of the whole-cluster simulator is safe, live after healing, and linearizable', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const r = runSeed(seed);
        if (!r.ok) throw new Error(`seed ${seed}: ${r.failure}`);
      }),
      { numRuns: 60 },
    );
  });

  it('log: after any sequence of leader appends, the log is contiguous and commit never passes the end', () => {
    const entry = fc.record({ term: fc.integer({ min: 1, max: 5 }), at: fc.integer({ min: 0, max: 30 }), n: fc.integer({ min: 0, max: 5 }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), fc.integer({ min: 0, max: 40 }), (ops, commit) => {
        const log = new RaftLog(null, [], 0);
        for (const op of ops) {
          const prev = Math.min(op.at, log.lastIndex());
          const prevTerm = log.term(prev) ?? 0;
          const ents: Entry[] = Array.from({ length: op.n }, (_, i) => ({ index: prev + 1 + i, term: Math.max(op.term, prevTerm), type: 'normal', data: '' }));
          try {
            log.maybeAppend(prev, prevTerm, Math.min(commit, prev), ents);
          } catch {
            // Rewriting a committed entry is refused, which is the point.
          }
          expect(log.committed).toBeLessThanOrEqual(log.lastIndex());
          for (let i = 2; i <= log.lastIndex(); i++) expect(log.term(i) as number).toBeGreaterThanOrEqual(log.term(i - 1) as number);
        }
      }),
      { numRuns: 300 },
    );
  });
});
