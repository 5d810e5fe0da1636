import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { analyze, pyFloat, PyFloat, pyyamlDump, readsAsString, type PyValue } from './pyyaml-dump';

/** Documents and what PyYAML 6 (`safe_dump`, with 1.29's string representer) wrote for them, recorded once. */
const CASES = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/pyyaml/safe-dump-cases.json'), 'utf8')) as [PyValue, string][];

const dump = (v: PyValue) => pyyamlDump(v, { escapeDollar: true });

describe('pyyamlDump', () => {
  it.each(CASES.map(([doc, text], i) => [i, doc, text] as const))('recorded case %i is byte for byte what PyYAML wrote', (_i, doc, text) => {
    expect(dump(doc)).toBe(text);
  });

  it.each([
    [{ a: [1, 2] }, 'a:\n- 1\n- 2\n'], // sequences under a key are not indented
    [[{ a: 1, b: 2 }], '- a: 1\n  b: 2\n'],
    [{ b: 1, a: 2, B: 3 }, 'B: 3\na: 2\nb: 1\n'], // keys sorted by code point
    [{ e: {}, l: [] }, 'e: {}\nl: []\n'],
    [{ v: '3.9', p: '80', s: 'yes', t: 'True', m: '' }, "m: ''\np: '80'\ns: \"yes\"\nt: \"True\"\nv: '3.9'\n"],
    [{ d: '$HOME' }, 'd: $$HOME\n'],
    [{ q: "it's" }, "q: it's\n"],
    [{ q: "'quoted'" }, "q: '''quoted'''\n"],
    [{ t: 'a\tb' }, 'q: "a\\tb"\n'.replace('q', 't')],
    [{ f: new PyFloat(1) }, 'f: 1.0\n'],
  ] as [PyValue, string][])('%j', (doc, text) => {
    expect(dump(doc)).toBe(text);
  });

  it('folds a long plain scalar after the word that passes column 80, continuing at the indentation', () => {
    const words = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');
    const out = dump({ services: { web: { command: words } } });
    const lines = out.split('\n');
    expect(lines[2]).toBe('    command: word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11');
    expect(lines[3]).toBe('      word12 word13 word14 word15 word16 word17 word18 word19');
  });

  it('$ stays single without escaping (--no-interpolate)', () => {
    expect(pyyamlDump({ d: '$HOME' }, { escapeDollar: false })).toBe('d: $HOME\n');
  });

  it.each([
    ['abc', true], ['123', false], ['1.5', false], ['0x1F', false], ['1:20', false], ['yes', false], ['Null', false],
    ['', false], ['2001-12-14', false], ['1e3', true], ['1.0e+3', false], ['<<', false], ['=', false], ['.inf', false],
  ])('readsAsString(%j) is %s (YAML 1.1 implicit types)', (text, str) => {
    expect(readsAsString(text)).toBe(str);
  });

  it.each([
    [0.1, '0.1'], [1e16, '1.0e+16'], [1e-5, '1.0e-05'], [123456789.125, '123456789.125'], [-2.5e-7, '-2.5e-07'], [1e22, '1.0e+22'],
    [0.0001, '0.0001'], [1, '1.0'], [2.5e15, '2500000000000000.0'], [Infinity, '.inf'], [NaN, '.nan'],
  ])('pyFloat(%d) is %s (Python repr, as PyYAML writes it)', (x, text) => {
    expect(pyFloat(x)).toBe(text);
  });

  it('a key with a line break or of 123+ characters is written as a complex key', () => {
    expect(analyze('a\nb').multiline).toBe(true);
    expect(dump({ ['k'.repeat(123)]: 1 })).toBe(`? ${'k'.repeat(123)}\n: 1\n`);
    expect(dump({ ['k'.repeat(122)]: 1 })).toBe(`${'k'.repeat(122)}: 1\n`);
  });

  it('property: what it writes reads back (js-yaml, YAML 1.1 quoting is a superset) as the same document', () => {
    // Strings only (YAML 1.1 and 1.2 agree on quoted strings); `$` unescaped so the text is the value.
    const str = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '-', ':', '#', "'", '"', '\\', 'é', '\n', '\t', '0', '1', '.', ',', '[', '{', '?', '&', '*', '!', 'y', '$'), maxLength: 30 });
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, str, fc.integer(), fc.boolean(), fc.constant(null), tie('arr'), tie('obj')),
      arr: fc.array(tie('node'), { maxLength: 4 }),
      obj: fc.dictionary(str, tie('node'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(fc.dictionary(str, tree.node, { maxKeys: 5 }), (doc) => {
        expect(yaml.load(pyyamlDump(doc as PyValue, { escapeDollar: false }))).toEqual(doc);
      }),
      { numRuns: 300 },
    );
  });
});
