import { describe, expect, it } from 'vitest';
import { findNeedles, secretForms } from './leaks';

/** The leak finder itself: a search that cannot find would make the security suite's silence worthless. */
describe('secretForms / findNeedles', () => {
  const value = 's3cret-0123456789abcdef01234567';
  const forms = secretForms('the secret', value);

  it.each([0, 1, 2, 3, 4, 5])('finds the value base64-encoded after %i other bytes, whatever follows', (before) => {
    for (const after of ['', 'y', 'yy', 'yyy']) {
      const encoded = Buffer.from('x'.repeat(before) + value + after).toString('base64');
      const hay = Buffer.from(`{"data":"${encoded}"}`);
      expect(findNeedles(hay, forms, 'a file'), `${before} before, ${after.length} after`).toHaveLength(1);
    }
  });

  it('finds the raw value and says where, with context', () => {
    expect(findNeedles(Buffer.from(`abc ${value} def`), forms, 'x.log')).toEqual([`the secret in x.log at byte 4: abc ${value} def`]);
  });

  it('finds nothing in a near miss', () => {
    const other = value.replace('7', '8');
    expect(findNeedles(Buffer.from(other + Buffer.from(other).toString('base64')), forms, 'a file')).toEqual([]);
  });
});
