import { describe, expect, it } from 'vitest';
import { routeLabel, UNROUTED } from './route-label';

describe('routeLabel', () => {
  it.each([
    ['a template, not the id', { method: 'GET', route: { path: '/services/:id' } }, '/services/:id'],
    ['a mounted router', { method: 'GET', baseUrl: '/flotilla/v1', route: { path: '/nodes/:id/assignments' } }, '/flotilla/v1/nodes/:id/assignments'],
    ['the root', { method: 'GET', route: { path: '' } }, '/'],
    ['nothing routed (forwarded, engine, 404)', { method: 'GET' }, UNROUTED],
    ['a regexp route has no template string', { method: 'GET', route: { path: /x/ } }, UNROUTED],
  ])('%s', (_name, req, want) => {
    expect(routeLabel(req)).toBe(want);
  });
});
