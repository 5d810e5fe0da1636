import { describe, expect, it } from 'vitest';
import { engineRoute, unversionedPath } from './engine-routes';

describe('engineRoute', () => {
  it.each([
    ['GET', '/containers/json?all=1', false],
    ['GET', '/v1.41/containers/json', false],
    ['GET', '/v1.41/containers/abc123/json', false],
    ['GET', '/v1.41/containers/web.1.x/logs?stdout=1&follow=1', false],
    ['GET', '/v1.41/containers/abc/top?ps_args=-ef', false],
    ['GET', '/v1.41/containers/abc/stats?stream=0', false],
    ['POST', '/v1.41/containers/abc/exec', false],
    ['POST', '/v1.41/containers/abc/kill?signal=TERM', false],
    ['POST', '/v1.41/containers/abc/restart', false],
    ['POST', '/v1.41/containers/abc/resize?h=24&w=80', false],
    ['POST', '/v1.41/containers/abc/wait?condition=next-exit', false],
    ['DELETE', '/v1.41/containers/abc?force=1', false],
    ['POST', '/v1.41/exec/e1/start', true],
    ['POST', '/v1.41/containers/abc/attach?stream=1&stdin=1', true],
    ['POST', '/v1.41/exec/e1/resize?h=24&w=80', false],
    ['GET', '/v1.41/exec/e1/json', false],
    ['GET', '/v1.41/images/json', false],
    ['GET', '/v1.41/images/flotilla/busybox:latest/json', false],
    ['GET', '/v1.41/volumes', false],
    ['GET', '/v1.41/volumes/data', false],
  ])('%s %s is passed to the engine (hijack %s)', (method, url, hijack) => {
    expect(engineRoute(method, url)).toEqual({ path: unversionedPath(url), hijack });
  });

  it.each([
    // What would widen what a caller can do, or what flotilla answers itself.
    ['POST', '/v1.41/containers/create'],
    ['POST', '/v1.41/containers/abc/start'],
    ['POST', '/v1.41/containers/abc/update'],
    ['PUT', '/v1.41/containers/abc/archive?path=/'],
    ['GET', '/v1.41/containers/abc/archive?path=/'],
    ['GET', '/v1.41/containers/abc/export'],
    ['POST', '/v1.41/images/create?fromImage=x'],
    ['DELETE', '/v1.41/images/x'],
    ['POST', '/v1.41/volumes/create'],
    ['DELETE', '/v1.41/volumes/data'],
    ['POST', '/v1.41/build'],
    ['GET', '/v1.41/info'],
    ['GET', '/v1.41/version'],
    ['GET', '/v1.41/services'],
    ['GET', '/v1.41/tasks'],
    ['GET', '/v1.41/containers/a/b/json'],
    ['GET', '/v1.41/exec/e1/start'],
    ['POST', '/flotilla/v1/raft'],
  ])('%s %s is not', (method, url) => {
    expect(engineRoute(method, url)).toBeUndefined();
  });

  it('reads the path without version or query', () => {
    expect(unversionedPath('/v1.41/containers/json?all=1')).toBe('/containers/json');
    expect(unversionedPath('/containers/json')).toBe('/containers/json');
    expect(unversionedPath('/v1.41')).toBe('/');
    expect(unversionedPath('/v1.41x/containers/json')).toBe('/v1.41x/containers/json');
  });

  it('is missing when method or url is', () => {
    expect(engineRoute(undefined, '/containers/json')).toBeUndefined();
    expect(engineRoute('GET', undefined)).toBeUndefined();
  });
});
