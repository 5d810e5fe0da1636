import { describe, expect, it } from 'vitest';
import type { Service, SwarmNode } from '@flotilla/contracts';
import { compilePlacement } from './constraint';
import { DEFAULT_FILTERS, type Filter, type FilterJob } from './filters';
import { hostPortsOf, NodeLoad } from './node-load';
import { noSuitableNode, Pipeline } from './pipeline';
import { node, service, task } from './test-fixtures';

const jobOf = (svc: Service): FilterJob => ({
  svc,
  spec: svc.Spec.TaskTemplate,
  placement: compilePlacement(svc.Spec.TaskTemplate.Placement),
  reservations: svc.Spec.TaskTemplate.Resources?.Reservations,
  hostPorts: hostPortsOf(svc),
});
const byName = (name: string): Filter => DEFAULT_FILTERS.find((f) => f.name === name)!;

describe('filters', () => {
  const hostPort = service('hp', 1, {}, { EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 80, PublishMode: 'host' }] } });
  const hostRange = service('hr', 2, {}, { EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 18000, PublishedPortEnd: 18001, PublishMode: 'host' }] } });
  it.each<[string, Service, SwarmNode, Service[], boolean, boolean]>([
    // filter, service, node, services already running one task there, enabled, passes
    ['ready', service('s', 1), node('a', { state: 'down' }), [], true, false],
    ['ready', service('s', 1), node('a', { state: 'unknown' }), [], true, false],
    ['availability', service('s', 1), node('a', { availability: 'pause' }), [], true, false],
    ['availability', service('s', 1), node('a'), [], true, true],
    ['resources', service('s', 1), node('a'), [], false, true],
    ['resources', service('s', 1, { Resources: { Reservations: { NanoCPUs: 2e9 } } }), node('a'), [], true, true],
    ['resources', service('s', 1, { Resources: { Reservations: { NanoCPUs: 1e9 } } }), node('a'), [service('o', 1, { Resources: { Reservations: { NanoCPUs: 15e8 } } })], true, false],
    ['constraint', service('s', 1), node('a'), [], false, true],
    ['constraint', service('s', 1, { Placement: { Constraints: ['node.role==worker'] } }), node('a'), [], true, true],
    ['platform', service('s', 1, { Placement: { Platforms: [{ Architecture: 'arm64' }] } }), node('a'), [], true, false],
    ['host-port', hostPort, node('a'), [], true, true],
    ['host-port', hostPort, node('a'), [hostPort], true, false],
    // A host range: each task takes a free port of it, so the filter does not hold a second one back.
    ['host-port', hostRange, node('a'), [hostRange], false, true],
    ['max-replicas', service('s', 1, { Placement: { MaxReplicas: 1 } }), node('a'), [], true, true],
  ])('%s: enabled %#', (name, svc, n, there, enabled, passes) => {
    const load = new NodeLoad([n]);
    for (const o of there) load.addExisting(task(o, 1, 'running', { node: n.ID }), o);
    const f = byName(name);
    expect(f.enabled(jobOf(svc))).toBe(enabled);
    expect(f.check(load.get(n.ID)!, jobOf(svc))).toBe(passes);
  });

  it('max replicas counts the service own tasks only', () => {
    const svc = service('s', 2, { Placement: { MaxReplicas: 1 } });
    const other = service('o', 1);
    const load = new NodeLoad([node('a')]);
    load.addExisting(task(other, 1, 'running', { node: 'a' }), other);
    expect(byName('max-replicas').check(load.get('a')!, jobOf(svc))).toBe(true);
    load.addExisting(task(svc, 1, 'running', { node: 'a' }), svc);
    expect(byName('max-replicas').check(load.get('a')!, jobOf(svc))).toBe(false);
  });
});

describe('Pipeline.explain', () => {
  it('merges filters that say the same thing, most refusals first, ties in pipeline order', () => {
    const svc = service('s', 1, { Placement: { Constraints: ['node.role==manager'] } });
    const ns = [node('a', { state: 'down' }), node('b', { availability: 'drain' }), node('c'), node('d'), node('e', { role: 'manager' })];
    const load = new NodeLoad(ns);
    const p = new Pipeline(jobOf(svc));
    expect(ns.map((n) => p.process(load.get(n.ID)!))).toEqual([false, false, false, false, true]);
    expect(p.explain()).toBe('2 nodes not available for new tasks; scheduling constraints not satisfied on 2 nodes');
  });

  it.each([
    ['', 'no suitable node'],
    ['insufficient resources on 1 node', 'no suitable node (insufficient resources on 1 node)'],
  ])('noSuitableNode(%j)', (e, want) => expect(noSuitableNode(e)).toBe(want));
});
