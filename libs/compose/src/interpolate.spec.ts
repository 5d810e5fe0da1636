import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { interpolate, InterpolationError, MissingVariableError } from './interpolate';

const env = { SET: 'v', EMPTY: '', NUM: '42', OTHER: 'o' };

describe('interpolate', () => {
  it.each([
    ['plain', 'plain'],
    ['$SET', 'v'],
    ['${SET}', 'v'],
    ['a${SET}b$SET.c', 'avbv.c'],
    ['${UNSET:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${SET:-d}', 'v'],
    ['${UNSET-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${UNSET:-${OTHER}}', 'o'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${UNSET:-a ${NUM} b}', 'a 42 b'],
    ['$$SET', '$SET'],
    ['$${SET}', '${SET}'],
    ['a$$', 'a$'],
    ['${SET?err}', 'v'],
    ['${EMPTY?err}', ''],
    ['${SET:?err}', 'v'],
    ['${UNSET}', ''],
    ['$UNSET', ''],
    ['${UNSET:-}', ''],
  ])('%s → %s', (input, want) => {
    expect(interpolate(input, env)).toBe(want);
  });

  it.each(['${', '${SET', '$', 'a $ b', '${}', '${1A}', '${SET:x}', '${SET!}', '$-'])('invalid: %s', (input) => {
    expect(() => interpolate(input, env)).toThrow(InterpolationError);
  });

  it.each([
    ['${UNSET?needed}', 'needed'],
    ['${UNSET:?needed}', 'needed'],
    ['${EMPTY:?also empty}', 'also empty'],
    ['${UNSET:?}', 'UNSET'],
  ])('required: %s fails with %s', (input, detail) => {
    try {
      interpolate(input, env);
      throw new Error('did not throw');
    } catch (e) {
      expect(e).toBeInstanceOf(MissingVariableError);
      expect((e as MissingVariableError).detail).toBe(detail);
    }
  });

  it.each(['${SET:-d}', '${SET-d}', '${SET?e}', '${SET:+a}'])('v1 files (plain): %s is invalid, as in docker-compose 1.29', (input) => {
    expect(() => interpolate(input, env, undefined, { plain: true })).toThrow(InterpolationError);
  });

  it('v1 files (plain): $VAR, ${VAR} and $$ work', () => {
    expect(interpolate('$SET ${SET} $$SET', env, undefined, { plain: true })).toBe('v v $SET');
  });

  it('reports unset variables that are used, not those in unused defaults', () => {
    const seen: string[] = [];
    interpolate('$A ${B} ${SET:-$C} ${UNSET:-$D}', env, (n) => seen.push(n));
    expect(seen).toEqual(['A', 'B', 'D']);
  });

  it('property: strings without $ are unchanged', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('$')), (s) => interpolate(s, env) === s));
  });

  it('property: escaping every $ gives the text back', () => {
    fc.assert(fc.property(fc.string(), (s) => interpolate(s.replace(/\$/g, '$$$$'), env) === s));
  });

  it('property: never throws anything but interpolation errors', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[${}:?+\-A-Z_a-z0-9 ]{0,20}$/), (s) => {
        try {
          interpolate(s, env);
        } catch (e) {
          if (!(e instanceof InterpolationError) && !(e instanceof MissingVariableError)) throw e;
        }
      }),
    );
  });
});
