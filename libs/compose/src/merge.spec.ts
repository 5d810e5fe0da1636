import { describe, expect, it } from 'vitest';
import { mergeService } from './merge';
import { load, problemsOf } from './test-helpers';

/** base and override files merged, the one service `s` returned. */
const merged = (base: string, over: string) =>
  load({ 'a.yml': `services:\n  s:\n    image: x\n${base}`, 'b.yml': `services:\n  s:\n${over}` }, { files: ['a.yml', 'b.yml'] }).services.s;

describe('merging -f files, key by key (docker-compose rules)', () => {
  it.each<[string, string, string, (s: ReturnType<typeof merged>) => unknown, unknown]>([
    ['image is replaced', '', '    image: y\n', (s) => s.image, 'y'],
    ['command is replaced, not appended', '    command: [a, b]\n', '    command: c\n', (s) => s.command, ['c']],
    ['entrypoint is replaced', '    entrypoint: [a]\n', '    entrypoint: [b, c]\n', (s) => s.entrypoint, ['b', 'c']],
    ['environment merges by key (list and map)', '    environment: [A=1, B=1]\n', '    environment: {B: "2", C: "3"}\n', (s) => s.environment, { A: '1', B: '2', C: '3' }],
    ['labels merge by key', '    labels: {a: "1", b: "1"}\n', '    labels: [b=2]\n', (s) => s.labels, { a: '1', b: '2' }],
    ['ports: union, same binding once', '    ports: ["80:80", "443:443"]\n', '    ports: ["8080:80", "443:443"]\n', (s) => s.ports.map((p) => `${p.published}:${p.target}`).sort(), ['443:443', '8080:80', '80:80']],
    ['expose: union', '    expose: ["1", "2"]\n', '    expose: ["2", "3"]\n', (s) => s.expose, ['1', '2', '3']],
    ['volumes: by container path', '    volumes: ["./a:/srv", "/c"]\n', '    volumes: ["./b:/srv", "./d:/d"]\n', (s) => s.volumes.map((v) => `${v.source?.split('/').pop() ?? ''}:${v.target}`), [':/c', 'd:/d', 'b:/srv']],
    ['depends_on merges (list with map)', '    depends_on: [db]\n', '    depends_on: {cache: {condition: service_healthy}}\n', (s) => s.depends_on, { db: { condition: 'service_started' }, cache: { condition: 'service_healthy' } }],
    ['networks merge, aliases union', '    networks: {n: {aliases: [a]}}\n', '    networks: {n: {aliases: [b]}, m: {}}\n', (s) => s.networks, { n: { aliases: ['a', 'b'] }, m: {} }],
    ['healthcheck merges by key', '    healthcheck: {test: [CMD, "true"], retries: 3}\n', '    healthcheck: {interval: 5s}\n', (s) => s.healthcheck, { test: ['CMD', 'true'], retries: 3, interval: 5e9 }],
    ['healthcheck disable wins', '    healthcheck: {test: [CMD, "true"]}\n', '    healthcheck: {disable: true}\n', (s) => s.healthcheck, { disable: true }],
    ['dns concatenates', '    dns: 1.1.1.1\n', '    dns: [8.8.8.8]\n', (s) => s.dns, ['1.1.1.1', '8.8.8.8']],
    ['cap_add: union', '    cap_add: [A, B]\n', '    cap_add: [B, C]\n', (s) => s.cap_add, ['A', 'B', 'C']],
    ['deploy: replicas replaced, labels merged', '    deploy: {replicas: 2, labels: {a: "1"}}\n', '    deploy: {replicas: 5, labels: {b: "2"}}\n', (s) => [s.deploy?.replicas, s.deploy?.labels], [5, { a: '1', b: '2' }]],
    ['deploy: limits merged by key', '    deploy: {resources: {limits: {cpus: "0.5", memory: 1M}}}\n', '    deploy: {resources: {limits: {memory: 2M}}}\n', (s) => s.deploy?.resources?.limits, { cpus: 0.5, memory: 2 * 1024 * 1024 }],
    ['deploy: constraints union', '    deploy: {placement: {constraints: [a==1]}}\n', '    deploy: {placement: {constraints: [b==2]}}\n', (s) => s.deploy?.placement?.constraints, ['a==1', 'b==2']],
    ['secrets by source', '    secrets: [a, {source: b, target: x}]\n', '    secrets: [{source: b, target: y}]\n', (s) => s.secrets, [{ source: 'a' }, { source: 'b', target: 'y' }]],
    ['build: args merged, context replaced', '    build: {context: ./a, args: {A: "1"}}\n', '    build: {context: ./b, args: [B=2]}\n', (s) => [s.build?.context.split('/').pop(), s.build?.args], ['b', { A: '1', B: '2' }]],
  ])('%s', (_name, base, over, pick, want) => {
    const s = /secrets:/.test(base)
      ? load(
          {
            'a.yml': `services:\n  s:\n    image: x\n${base}secrets:\n  a: {file: ./a}\n  b: {file: ./b}\n`,
            'b.yml': `services:\n  s:\n${over}`,
          },
          { files: ['a.yml', 'b.yml'] },
        ).services.s
      : /networks:/.test(base)
        ? load({ 'a.yml': `services:\n  s:\n    image: x\n${base}networks: {n: {}, m: {}}\n`, 'b.yml': `services:\n  s:\n${over}` }, { files: ['a.yml', 'b.yml'] }).services.s
        : /depends_on/.test(base)
          ? load({ 'a.yml': `services:\n  s:\n    image: x\n${base}  db: {image: x}\n  cache: {image: x}\n`, 'b.yml': `services:\n  s:\n${over}` }, { files: ['a.yml', 'b.yml'] }).services.s
          : merged(base, over);
    expect(pick(s)).toEqual(want);
  });

  it('the Compose Specification merge tags are YAML errors, as in docker-compose 1.29', () => {
    expect(problemsOf({ 'compose.yml': 'services:\n  init:\n    image: alpine\n  base:\n    extends: { service: init }\n    command: !reset\n' })).toEqual([
      '6:14 could not determine a constructor for the tag \'!reset\'',
    ]);
    expect(problemsOf({ 'compose.yml': 'services:\n  s:\n    image: x\n    ports: !override ["8080:80"]\n' })).toEqual([
      '4:12 could not determine a constructor for the tag \'!override\'',
    ]);
  });

  it('v1: image and build exclude each other, the override wins', () => {
    expect(mergeService({ image: 'a', tty: true }, { build: '.' }, true)).toEqual({ build: '.', tty: true });
    expect(mergeService({ build: '.' }, { image: 'b' }, true)).toEqual({ image: 'b' });
    expect(mergeService({ build: '.' }, { image: 'b' }, false)).toEqual({ build: '.', image: 'b' });
  });

  it('a later file adds services and top-level entries', () => {
    const p = load(
      { 'a.yml': 'services:\n  s: {image: x}\nvolumes: {v: {}}\n', 'b.yml': 'services:\n  t: {image: y}\nvolumes: {v: {driver: local}, w: {}}\n' },
      { files: ['a.yml', 'b.yml'] },
    );
    expect(Object.keys(p.services)).toEqual(['s', 't']);
    expect(p.volumes.v.driver).toBe('local');
    expect(Object.keys(p.volumes)).toEqual(['v', 'w']);
  });
});
