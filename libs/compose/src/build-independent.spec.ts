import { describe, expect, it } from 'vitest';
import { buildIndependent } from './build-independent';
import { load } from './test-helpers';

const project = (services: string) => load({ 'compose.yml': `services:\n${services}`, 'app/Dockerfile': 'FROM x\n' });

describe('buildIndependent: services that may start while images build', () => {
  it('a service with neither build nor a built dependency starts early; built ones and their dependents do not', () => {
    const p = project(
      [
        '  db: {image: db}',
        '  cache: {image: cache}',
        '  app: {build: ./app, depends_on: [db]}',
        '  web: {image: web, depends_on: {app: {condition: service_healthy}}}',
        '  proxy: {image: proxy, links: [web]}',
        '  side: {image: side, depends_on: [cache]}',
        '',
      ].join('\n'),
    );
    expect(buildIndependent(p, Object.keys(p.services))).toEqual(['db', 'cache', 'side']);
  });

  it('a service running the image another one builds waits for that build', () => {
    const p = project(['  app: {build: ./app, image: shared:1}', '  worker: {image: "shared:1"}', '  other: {image: "proj_app"}', ''].join('\n'));
    expect(buildIndependent(p, ['app', 'worker', 'other'])).toEqual(['other']);
    const q = project(['  app: {build: ./app}', '  worker: {image: proj_app}', ''].join('\n'));
    expect(buildIndependent(q, ['app', 'worker'])).toEqual([]);
  });

  it('volumes_from and network_mode service: count as dependencies', () => {
    const p = project(['  app: {build: ./app}', '  a: {image: a, volumes_from: [app]}', '  b: {image: b, network_mode: "service:app"}', '  c: {image: c}', ''].join('\n'));
    expect(buildIndependent(p, ['a', 'b', 'c'])).toEqual(['c']);
  });

  it('only the services asked about, unknown names left out', () => {
    const p = project(['  db: {image: db}', '  app: {build: ./app}', ''].join('\n'));
    expect(buildIndependent(p, ['db', 'nope'])).toEqual(['db']);
  });
});
