import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildRequest, planBuilds, serviceImage } from './build-plan';
import { load } from './test-helpers';

const file = (build: string, extra = '') => ({
  'docker-compose.yml': `version: "3.8"\nservices:\n  web:\n${extra}    build:${build}\n  db:\n    image: redis:7\n`,
});

describe('buildRequest: every build: form compose 1.29 accepts reaches /build', () => {
  it.each([
    ['a string context', ' ./app', {}, { dockerfile: 'Dockerfile', buildargs: {}, labels: {}, cachefrom: [] }],
    ['context + dockerfile', '\n      context: ./app\n      dockerfile: docker/Dockerfile.prod', {}, { dockerfile: 'docker/Dockerfile.prod' }],
    ['args as a list, KEY alone from the environment', '\n      context: .\n      args:\n        - A=1\n        - FROM_ENV\n        - UNSET', { FROM_ENV: 'e' }, { buildargs: { A: '1', FROM_ENV: 'e', UNSET: '' } }],
    ['args as a map', '\n      context: .\n      args:\n        A: "1"\n        B: two', {}, { buildargs: { A: '1', B: 'two' } }],
    ['target', '\n      context: .\n      target: final', {}, { target: 'final' }],
    ['labels (list and map)', '\n      context: .\n      labels:\n        - a=b', {}, { labels: { a: 'b' } }],
    ['cache_from without empty entries', '\n      context: .\n      cache_from:\n        - x:1\n        - ""', {}, { cachefrom: ['x:1'] }],
    ['network', '\n      context: .\n      network: host', {}, { networkmode: 'host' }],
    ['shm_size as a size string', '\n      context: .\n      shm_size: 64m', {}, { shmsize: 64 * 1024 * 1024 }],
    ['shm_size as bytes', '\n      context: .\n      shm_size: 1000000', {}, { shmsize: 1000000 }],
    ['extra_hosts (list)', '\n      context: .\n      extra_hosts:\n        - "a:10.0.0.1"\n        - "b:10.0.0.2"', {}, { extrahosts: 'a:10.0.0.1,b:10.0.0.2' }],
    ['extra_hosts (map)', '\n      context: .\n      extra_hosts:\n        a: 10.0.0.1', {}, { extrahosts: 'a:10.0.0.1' }],
  ])('%s', (_name, build, env, want) => {
    const p = load(file(build), { env });
    const r = buildRequest(p.name, p.services.web);
    expect(r).toMatchObject({ service: 'web', tag: 'proj_web', nocache: false, pull: false, ...want });
  });

  it('resolves the context against the project directory', () => {
    const p = load(file(' ./app'));
    expect(buildRequest(p.name, p.services.web).context).toBe(join(p.workingDir, 'app'));
  });

  it('tags with image: when both are given, and passes --no-cache / --pull', () => {
    const p = load(file(' .', '    image: mine/web:2\n'));
    expect(serviceImage(p.name, p.services.web)).toBe('mine/web:2');
    expect(buildRequest(p.name, p.services.web, { noCache: true, pull: true })).toMatchObject({ tag: 'mine/web:2', nocache: true, pull: true });
  });

  it('rejects a bad shm_size with the field named', () => {
    expect(() => load(file('\n      context: .\n      shm_size: lots'))).toThrow(/shm_size/);
  });
});

describe('planBuilds: what build / up --build / up / up --no-build do per service', () => {
  const p = load({
    'docker-compose.yml': 'services:\n  a:\n    build: .\n  b:\n    build: .\n    image: own/b\n  c:\n    image: redis:7\n',
  });
  const present = (imgs: string[]) => (i: string) => imgs.includes(i);
  it.each([
    ['build: all, skipping image-only ones', [], 'always', [], ['build a', 'build b', 'uses-image c']],
    ['build SERVICE: only that one', ['b'], 'always', ['own/b'], ['build b']],
    ['up: only missing images', [], 'missing', ['own/b'], ['build a', 'uses-image c']],
    ['up: nothing when all exist', [], 'missing', ['proj_a', 'own/b'], ['uses-image c']],
    ['up --build: rebuilds existing ones', ['a'], 'always', ['proj_a'], ['build a']],
    ['up --no-build: a missing image is an error', [], 'never', ['proj_a'], ['needs-build b', 'uses-image c']],
    ['up --no-build: fine when present', ['a', 'b'], 'never', ['proj_a', 'own/b'], []],
  ] as const)('%s', (_n, names, policy, have, want) => {
    const steps = planBuilds(p, [...names], policy, present([...have]));
    expect(steps.map((s) => `${s.kind} ${s.service}`)).toEqual(want);
  });

  it('says why it builds: asked or missing', () => {
    expect(planBuilds(p, ['a'], 'missing', () => false)).toEqual([{ kind: 'build', service: 'a', reason: 'missing' }]);
    expect(planBuilds(p, ['a'], 'always', () => true)).toEqual([{ kind: 'build', service: 'a', reason: 'asked' }]);
  });
});
