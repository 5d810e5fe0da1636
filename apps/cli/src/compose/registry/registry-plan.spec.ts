import { describe, expect, it } from 'vitest';
import type { ComposeProject } from '@flotilla/compose';
import { pullLine, pullStatus, pullTargets, pushTargets, repositoryTag, streamOutputText } from './registry-plan';

const project = (services: Record<string, { image?: string; build?: object }>) => ({ name: 'p', services }) as unknown as ComposeProject;

describe('repositoryTag (compose 1.29 parse_repository_tag)', () => {
  it.each([
    ['app', { repo: 'app', tag: '', sep: ':' }],
    ['app:1', { repo: 'app', tag: '1', sep: ':' }],
    ['localhost:5000/a/b', { repo: 'localhost:5000/a/b', tag: '', sep: ':' }],
    ['localhost:5000/a/b:2', { repo: 'localhost:5000/a/b', tag: '2', sep: ':' }],
    ['user/repo@sha256:abc', { repo: 'user/repo', tag: 'sha256:abc', sep: '@' }],
  ])('%s', (ref, want) => {
    expect(repositoryTag(ref)).toEqual(want);
  });
});

describe('pushTargets: built and named, each image once', () => {
  const p = project({
    web: { build: {}, image: 'r:5000/web:1' },
    plain: { image: 'r:5000/plain' },
    built: { build: {} },
    again: { build: {}, image: 'r:5000/web:1' },
    bare: { build: {}, image: 'r:5000/bare' },
    bare2: { build: {}, image: 'r:5000/bare:latest' },
  });
  it('all services', () => {
    expect(pushTargets(p, [])).toEqual([
      { service: 'web', repo: 'r:5000/web', tag: '1' },
      { service: 'bare', repo: 'r:5000/bare', tag: 'latest' },
    ]);
  });
  it('the selected ones only', () => {
    expect(pushTargets(p, ['again', 'plain'])).toEqual([{ service: 'again', repo: 'r:5000/web', tag: '1' }]);
  });
});

describe('pullTargets: every selected service, an image where one is named', () => {
  const p = project({ web: { build: {}, image: 'r:5000/web:1' }, built: { build: {} }, cache: { image: 'redis' } });
  it('lists them in the project order', () => {
    expect(pullTargets(p, [])).toEqual([
      { service: 'web', image: { repo: 'r:5000/web', tag: '1' }, canBuild: true },
      { service: 'built', canBuild: true },
      { service: 'cache', image: { repo: 'redis', tag: 'latest' }, canBuild: false },
    ]);
    expect(pullTargets(p, ['cache']).map((t) => t.service)).toEqual(['cache']);
  });
});

describe('streamOutputText (1.29 stream_output, not a terminal)', () => {
  it.each([
    [{ status: 'The push refers to repository [localhost:5000/web]' }, { text: 'The push refers to repository [localhost:5000/web]\n' }],
    [{ status: 'Preparing', id: 'abc', progressDetail: {} }, {}],
    [{ status: 'Pushing', id: 'abc', progressDetail: { current: 1, total: 2 }, progress: '[==>  ]' }, {}],
    [{ status: '1: digest: sha256:x size: 735' }, { text: '1: digest: sha256:x size: 735\n' }],
    [{ status: 'Pushed', id: 'abc' }, { text: 'abc: Pushed\n' }],
    [{ stream: 'hello\n' }, { text: 'hello\n' }],
    [{ errorDetail: { message: 'Get "http://localhost:1/v2/": refused' }, error: 'x' }, { error: 'Get "http://localhost:1/v2/": refused' }],
  ])('%j', (e, want) => {
    expect(streamOutputText(e)).toEqual(want);
  });
});

describe('pullStatus and pullLine (1.29 parallel writer)', () => {
  it.each([
    [{ status: 'Pulling from shipcompose/web', id: '1' }, 'pulling from shipcompose/web'],
    [{ status: 'Downloading', progressDetail: { current: 50, total: 200 } }, 'downloading (25.0%)'],
    [{ status: 'Pulling fs layer', progressDetail: {} }, 'pulling fs layer'],
    [{ status: 'Digest: sha256:7727952a10591f35d7aa1ba570ee3252528ae' }, 'digest: sha256:7727952a10591f35d7...'],
    [{ id: 'x' }, undefined],
  ])('%j', (e, want) => {
    expect(pullStatus(e)).toBe(want);
  });
  it('pads names to the longest', () => {
    expect(pullLine(7, 'web', 'done')).toBe('Pulling web     ... done\r\n');
    expect(pullLine(3, 'web', '')).toBe('Pulling web ... \r\n');
  });
});
