import { describe, expect, it } from 'vitest';
import { FlotillaError } from '@flotilla/contracts';
import { parseEventTime, parseEventWindow } from './event-time';

describe('parseEventTime', () => {
  it.each([
    ['1796357263', 1796357263_000000000n],
    ['1796357263.006281256', 1796357263_006281256n],
    ['1796357263.5', 1796357263_500000000n],
    ['0', 0n],
  ])('%s', (raw, want) => expect(parseEventTime(raw)).toBe(want));

  it('unset when absent or empty', () => {
    expect(parseEventTime(undefined)).toBeUndefined();
    expect(parseEventTime('')).toBeUndefined();
  });

  it.each([['abc'], ['1m'], ['2026-12-04T00:00:00Z'], ['1.2.3']])('refuses %s', (raw) => {
    expect(() => parseEventTime(raw)).toThrow(FlotillaError);
  });
});

describe('parseEventWindow', () => {
  it('refuses since after until with the words Docker uses (recorded)', () => {
    expect(() => parseEventWindow('1796357409', '1796357209')).toThrow('`since` time (1796357409) cannot be after `until` time (1796357209)');
  });
  it('accepts since == until and either bound alone', () => {
    expect(parseEventWindow('5', '5')).toEqual({ since: 5_000000000n, until: 5_000000000n });
    expect(parseEventWindow(undefined, '5')).toEqual({ since: undefined, until: 5_000000000n });
    expect(parseEventWindow('5', undefined)).toEqual({ since: 5_000000000n, until: undefined });
  });
});
