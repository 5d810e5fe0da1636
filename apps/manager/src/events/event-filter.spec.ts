import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlotillaError, type EventMessage } from '@flotilla/contracts';
import { matchesEvent, parseEventFilters, stripTag } from './event-filter';

const docker = JSON.parse(readFileSync(resolve(__dirname, '../../../../test/docker-cli/events.docker.json'), 'utf8')) as {
  swarmEvents: { events: EventMessage[] };
  taskContainerStartDie: { events: EventMessage[] };
};
const [svcCreate] = docker.swarmEvents.events;
const netCreate = docker.swarmEvents.events[5];
const drain = docker.swarmEvents.events[13];
const [start, die] = docker.taskContainerStartDie.events;
const imageTag: EventMessage = { Type: 'image', Action: 'tag', Actor: { ID: 'sha256:abc', Attributes: { name: 'docker.io/library/busybox:1.36' } }, scope: 'local', time: 1, timeNano: 1 };
const health: EventMessage = { ...start, Action: 'health_status: healthy' };
const ALL = { svcCreate, netCreate, drain, start, die, imageTag, health };

const f = (o: Record<string, string[]>) => parseEventFilters(JSON.stringify(o));
const matching = (o: Record<string, string[]>) =>
  Object.entries(ALL)
    .filter(([, e]) => matchesEvent(f(o), e))
    .map(([k]) => k);

describe('matchesEvent (Docker daemon/events/filter.go semantics)', () => {
  it.each([
    ['no filter', {}, Object.keys(ALL)],
    ['scope=swarm + type=service (the CLI example)', { scope: ['swarm'], type: ['service'] }, ['svcCreate']],
    ['scope=swarm', { scope: ['swarm'] }, ['svcCreate', 'netCreate', 'drain']],
    ['scope=local', { scope: ['local'] }, ['start', 'die', 'imageTag', 'health']],
    ['type values are alternatives', { type: ['service', 'node'] }, ['svcCreate', 'drain']],
    ['event=start,die', { event: ['start', 'die'] }, ['start', 'die']],
    ['event=health_status matches by prefix', { event: ['health_status'] }, ['health']],
    ['event=create is exact', { event: ['create'] }, ['svcCreate', 'netCreate']],
    ['service by name', { service: ['web'] }, ['svcCreate']],
    ['service by ID prefix', { service: [svcCreate.Actor.ID.slice(0, 5)] }, ['svcCreate']],
    ['node by name', { node: ['refev1'] }, ['drain']],
    ['network by name', { network: ['netx'] }, ['netCreate']],
    ['container by name', { container: [start.Actor.Attributes.name] }, ['start', 'die', 'health']],
    ['container by short ID', { container: [start.Actor.ID.slice(0, 12)] }, ['start', 'die', 'health']],
    ['a name key drops events of other kinds', { container: ['nothing-like-it'] }, []],
    ['image by name (container events)', { image: ['flotilla/busybox:latest'] }, ['start', 'die', 'health']],
    ['image without tag', { image: ['flotilla/busybox'] }, ['start', 'die', 'health']],
    ['image event by familiar name', { image: ['busybox'] }, ['imageTag']],
    ['label key', { label: ['com.docker.swarm.service.name'] }, ['start', 'die', 'health']],
    ['label key=value', { label: ['com.docker.swarm.service.name=rec'] }, ['start', 'die', 'health']],
    ['labels must all hold', { label: ['com.docker.swarm.service.name=rec', 'exitCode=137'] }, ['die']],
    ['label with a different value', { label: ['com.docker.swarm.service.name=web'] }, []],
    ['unknown key is ignored, as Docker does', { foo: ['bar'] }, Object.keys(ALL)],
    ['type=bogus matches nothing, as Docker does', { type: ['bogus'] }, []],
  ])('%s', (_n, filters, want) => {
    expect(matching(filters)).toEqual(want);
  });
});

describe('parseEventFilters', () => {
  it('reads both the map form the CLI sends and the older list form', () => {
    expect([...parseEventFilters('{"type":{"service":true},"scope":["swarm"]}')]).toEqual([
      ['type', ['service']],
      ['scope', ['swarm']],
    ]);
  });
  it.each([['notjson'], ['[1]'], ['"x"']])('refuses %s with invalid_argument', (raw) => {
    expect(() => parseEventFilters(raw)).toThrow(FlotillaError);
    try {
      parseEventFilters(raw);
    } catch (e) {
      expect((e as FlotillaError).code).toBe('invalid_argument');
      expect((e as Error).message).toMatch(/^invalid filter/);
    }
  });
  it('an empty query is no filter', () => {
    expect(parseEventFilters(undefined).size).toBe(0);
    expect(parseEventFilters('').size).toBe(0);
  });
});

describe('stripTag', () => {
  it.each([
    ['flotilla/busybox:latest', 'flotilla/busybox'],
    ['docker.io/library/busybox:1.36', 'busybox'],
    ['localhost:5000/app:1@sha256:abc', 'localhost:5000/app'],
    ['localhost:5000/app', 'localhost:5000/app'],
  ])('%s -> %s', (ref, want) => expect(stripTag(ref)).toBe(want));
});
