import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonHash129, pyJsonDumps } from './py-json';
import { PyFloat } from './pyyaml-dump';

/** Expected values printed by Python 3.11's json.dumps(v, sort_keys=True, separators=(',', ':')). */
describe('pyJsonDumps (Python json.dumps, compact, sorted, ensure_ascii)', () => {
  it.each([
    ['scalars, floats as Python writes them', { b: 1, a: [true, null, new PyFloat(2), 1e-5, new PyFloat(1e16), 0.1, new PyFloat(-0), 1.5e300], é: 'x' }, '{"a":[true,null,2.0,1e-05,1e+16,0.1,-0.0,1.5e+300],"b":1,"\\u00e9":"x"}'],
    ['escapes: controls, DEL, non-ASCII by UTF-16 unit, / left alone', 'tab\t nl\n del\u007f \u0001 é ☃ 😀 "q" \\ /', '"tab\\t nl\\n del\\u007f \\u0001 \\u00e9 \\u2603 \\ud83d\\ude00 \\"q\\" \\\\ /"'],
    ['keys by code point (an astral key after U+FFFF)', { B: 1, a: 2, _: 3, Z: 4, é: 5, '\u{1F600}': 6, '\uffff': 7 }, '{"B":1,"Z":4,"_":3,"a":2,"\\u00e9":5,"\\uffff":7,"\\ud83d\\ude00":6}'],
    ['a key holding undefined is no key', { a: undefined, b: [undefined] }, '{"b":[null]}'],
  ])('%s', (_name, v, want) => expect(pyJsonDumps(v)).toBe(want));

  it('hashes the dump as 1.29 json_hash does', () => {
    expect(jsonHash129({ a: [1, 'é'] })).toBe('83a175c500b5b96c13553ef38f7d1acfb22f0f69d64880f0156110554c0b2b0c');
  });

  it('is JSON.stringify of the same value, once keys are sorted and ASCII-only (property)', () => {
    const ascii = fc.stringMatching(/^[ -~]{0,8}$/);
    // (Keys that read as integers: a JS object lists them first, whatever their order.)
    const key = fc.stringMatching(/^[a-z][ -~]{0,6}$/);
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.boolean(), fc.constant(null), ascii, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        const sorted = JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
        expect(pyJsonDumps(v as never)).toBe(sorted);
      }),
    );
  });
});
