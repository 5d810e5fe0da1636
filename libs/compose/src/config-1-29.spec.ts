import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { config129Document, nsTime, normPath, renderConfig129 } from './config-1-29';
import { loadProject } from './load';
import { load } from './test-helpers';

const FIXTURES = resolve(__dirname, '../fixtures');

/** `docker-compose config` (1.29) stdout recorded for fixtures/conformance/<name>, its directory as <DIR>. */
describe('renderConfig129 against 1.29 output recorded once', () => {
  it.each(['config-text-forms', 'config-text-v1'])('%s', (name) => {
    const dir = resolve(FIXTURES, 'conformance', name);
    const project = loadProject({ workingDir: dir, env: { PATH: '/usr/bin:/bin', HOME: '/root' } });
    const want = readFileSync(resolve(FIXTURES, 'golden/config-1-29', `${name}.yaml`), 'utf8').replaceAll('<DIR>', dir);
    expect(renderConfig129(project)).toBe(want);
  });
});

describe('config129Document', () => {
  const doc = (files: Record<string, string>, env: Record<string, string> = {}) => {
    const p = load(files, { env });
    return config129Document(p, p.source!) as { version: string; services: Record<string, Record<string, unknown>>; networks?: Record<string, unknown> };
  };

  it('version: as written, 3.9 without one', () => {
    expect(doc({ 'compose.yml': 'version: "2.4"\nservices: {a: {image: x}}\n' }).version).toBe('2.4');
    expect(doc({ 'compose.yml': 'services: {a: {image: x}}\n' }).version).toBe('3.9');
  });

  it('environment: list to mapping, a bare KEY from the variables else null', () => {
    const d = doc({ 'compose.yml': 'services: {a: {image: x, environment: [A=1, B, C]}}\n' }, { B: 'from-shell' });
    expect(d.services.a.environment).toEqual({ A: '1', B: 'from-shell', C: null });
  });

  it('ports: short entries to one mapping a port (no defaults added), an address as the legacy string', () => {
    const d = doc({ 'compose.yml': 'services: {a: {image: x, ports: ["80", "8000-8001:90-91/udp", "127.0.0.1::53"]}}\n' });
    expect(d.services.a.ports).toEqual([
      { target: 80 },
      { target: 90, published: 8000, protocol: 'udp' },
      { target: 91, published: 8001, protocol: 'udp' },
      '127.0.0.1::53/tcp',
    ]);
  });

  it('restart, depends_on, networks, volumes_from, build as 1.29 keeps them', () => {
    const d = doc({ 'compose.yml': 'services:\n  a: {build: ., restart: "on-failure:0", depends_on: [b], networks: [n], volumes_from: [b, "container:c"]}\n  b: {image: x}\nnetworks: {n: {}}\n' });
    expect(d.services.a).toMatchObject({ restart: 'on-failure', depends_on: { b: { condition: 'service_started' } }, networks: { n: null }, volumes_from: ['service:b:rw', 'container:c:rw'] });
    expect(d.services.a.build).toEqual({ context: expect.stringMatching(/^\//) });
  });

  it.each([
    [1_000_000_000, '1s'],
    [90_000_000_000, '90s'],
    [3_600_000_000_000, '1h'],
    [7_200_000_000_000, '2h'],
    [500_000_000, '500ms'],
    [1500, '1500ns'],
  ])('nsTime(%d) is %s (the largest unit that divides it)', (ns, text) => {
    expect(nsTime(ns)).toBe(text);
  });

  it.each([
    ['a/b/', 'a/b'],
    ['', '.'],
    ['//x/', '//x'],
    ['///x', '/x'],
    ['./a/../b', 'b'],
  ])('normPath(%j) is %j (os.path.normpath)', (p, n) => {
    expect(normPath(p)).toBe(n);
  });
});
