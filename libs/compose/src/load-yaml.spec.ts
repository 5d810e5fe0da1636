import { describe, expect, it } from 'vitest';
import { Problems } from './errors';
import { expandedSize, parseYaml } from './load-yaml';

const parse = (text: string) => {
  const problems = new Problems();
  const doc = parseYaml(text, 'f.yml', problems);
  return { doc, problems: problems.list.map((p) => `${p.line}:${p.column} ${p.message}`) };
};

describe('parseYaml', () => {
  it('records where every key and item is', () => {
    const { doc } = parse('services:\n  web:\n    image: x\n    ports:\n      - "80"\n      - target: 81\n');
    expect(doc!.pos.locate(['services', 'web', 'image'])).toEqual({ line: 3, column: 5 });
    expect(doc!.pos.locate(['services', 'web', 'ports', 1])).toEqual({ line: 6, column: 9 });
    expect(doc!.pos.locate(['services', 'web', 'ports', 1, 'target'])).toEqual({ line: 6, column: 9 });
    expect(doc!.pos.locate(['services', 'web', 'nope'])).toEqual({ line: 2, column: 3 });
  });

  it('expands anchors, aliases and merge keys', () => {
    const { doc } = parse('x-base: &b\n  image: x\n  tty: true\nservices:\n  a:\n    <<: *b\n    tty: false\n  b: *b\n');
    expect(doc!.data).toEqual({ 'x-base': { image: 'x', tty: true }, services: { a: { image: 'x', tty: false }, b: { image: 'x', tty: true } } });
  });

  it('reads YAML 1.2: yes/no/on/off are strings, no timestamps', () => {
    const { doc } = parse('a: yes\nb: off\nc: 2001-12-14\nd: 0o17\ne: 1.0\n');
    expect(doc!.data).toEqual({ a: 'yes', b: 'off', c: '2001-12-14', d: 15, e: 1 });
  });

  it('reads a leading zero as octal, as 1.29 (YAML 1.1) and Compose v2 (yaml.v3) do: mode 0400 is r--------', () => {
    const { doc } = parse('a: 0400\nb: -010\nc: 0\nd: 0_17\ne: 08\nf: 400\ng: 0x1f\nh: "0400"\n');
    expect(doc!.data).toEqual({ a: 0o400, b: -8, c: 0, d: 15, e: 8, f: 400, g: 31, h: '0400' });
  });

  it.each([
    ['duplicate key', 'a: 1\nb: 2\na: 3\n', /^3:1 duplicated mapping key/],
    ['non-string key', 'services:\n  1:\n    image: x\n', /^2:3 non-string key 1/],
    ['null key', 'services:\n  ~: x\n', /^2:3 non-string key null/],
    ['syntax error', 'a: [1, 2\nb: 3\n', /^\d+:\d+ /],
    ['bad indentation', 'a:\n  b: 1\n c: 2\n', /^\d+:\d+ /],
    ['unknown tag (1.29 words, at the tag)', 'a: !nope []\n', /^1:4 could not determine a constructor for the tag '!nope'$/],
  ])('rejects %s with its position', (_name, text, want) => {
    const { doc, problems } = parse(text);
    expect(doc).toBeUndefined();
    expect(problems[0]).toMatch(want);
  });

  it('refuses a billion-laughs file fast and without expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = levels.join('\n') + '\n';
    const t0 = performance.now();
    const { doc, problems } = parse(text);
    const ms = performance.now() - t0;
    expect(doc).toBeUndefined();
    expect(problems[0]).toMatch(/alias bomb/);
    expect(ms).toBeLessThan(100);
  });

  it('counts shared nodes without expanding them', () => {
    let node: unknown = 'x';
    for (let i = 0; i < 40; i++) node = [node, node];
    expect(expandedSize(node, 1e6)).toBeGreaterThan(1e6);
    expect(expandedSize({ a: [1, 2, { b: 3 }] }, 1e6)).toBe(6);
  });
});
