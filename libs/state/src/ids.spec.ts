import { describe, expect, it } from 'vitest';
import { newId } from './ids';

describe('newId', () => {
  it('makes 25-character base-36 ids, all distinct, across refills of the random pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = newId();
      expect(id).toMatch(/^[0-9a-z]{25}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(2000);
  });
});
